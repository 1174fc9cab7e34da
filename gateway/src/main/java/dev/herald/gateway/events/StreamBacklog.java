package dev.herald.gateway.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many events each workspace's stream holds on disk (pending and dead), against its {@code max_pending}: an
 * event that would pass the bound is dropped, counted in {@code herald.events.dropped} and logged (at most once a
 * minute per workspace), so a connector that is down for days cannot fill the disk or slow the deliveries whose
 * events it misses. The count is this process's view: it is set from the journal at start and every minute, and
 * moved by what this process adds and publishes in between (on a shared journal, other nodes' events show up at the
 * next recount).
 */
final class StreamBacklog {
    private static final Logger logger = LoggerFactory.getLogger(StreamBacklog.class);
    private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final MeterRegistry registry;
    private final Map<String, Workspace> workspaces = new ConcurrentHashMap<>();

    StreamBacklog(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One workspace's figures. */
    private final class Workspace {
        final AtomicLong held = new AtomicLong();
        final Counter dropped;
        final Counter published;
        final Counter dead;
        volatile long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

        Workspace(String id) {
            Gauge.builder("herald.events.outbox", held, AtomicLong::get).tag("workspace", id)
                    .description("stream events held on disk for the workspace's connector (pending and dead)")
                    .register(registry);
            dropped = Counter.builder("herald.events.dropped").tag("workspace", id)
                    .description("stream events dropped because the workspace's outbox was full").register(registry);
            published = Counter.builder("herald.events.published").tag("workspace", id)
                    .description("stream events the workspace's connector took").register(registry);
            dead = Counter.builder("herald.events.dead").tag("workspace", id)
                    .description("stream events given up on after their age limit (kept for replay)")
                    .register(registry);
        }
    }

    private Workspace of(String workspace) {
        return workspaces.computeIfAbsent(workspace, Workspace::new);
    }

    /** Whether {@code count} more events fit under {@code max}; if so they are counted as held. */
    boolean admit(String workspace, int count, long max) {
        Workspace w = of(workspace);
        long now = w.held.addAndGet(count);
        if (now <= max) {
            return true;
        }
        w.held.addAndGet(-count);
        w.dropped.increment(count);
        long t = System.nanoTime();
        if (t - w.lastLog >= LOG_EVERY_NANOS) {
            w.lastLog = t;
            logger.warn("workspace {}: the events outbox is full ({} events held, events.currents.max_pending {}); "
                    + "new events are dropped until the connector catches up or dead events are replayed",
                    workspace, now - count, max);
        }
        return false;
    }

    /** Events the connector took: no longer held. */
    void published(String workspace, int count) {
        Workspace w = of(workspace);
        w.held.addAndGet(-count);
        w.published.increment(count);
    }

    /** Events given up on (still held, as dead). */
    void died(String workspace, int count) {
        of(workspace).dead.increment(count);
    }

    /** Sets the counts from the journal. */
    void recount(Map<String, Long> held) {
        workspaces.forEach((id, w) -> w.held.set(held.getOrDefault(id, 0L)));
        held.forEach((id, n) -> of(id).held.set(n));
    }

    /** The events held for {@code workspace}. */
    long held(String workspace) {
        Workspace w = workspaces.get(workspace);
        return w == null ? 0 : w.held.get();
    }
}
