package dev.herald.gateway.events;

import com.standardwebhooks.Webhook;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.CurrentsConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StreamConnector;
import dev.herald.gateway.store.StreamEventRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each workspace's stream to its connector: a batch of up to {@code batch_size} events, oldest first, once
 * it is full or its oldest event has waited {@code flush_interval}; one batch at a time per workspace, so the
 * connector sees events in the order they happened. A workspace's stream is leased to one node at a time in the
 * journal; the node keeps the lease while batches succeed (each turn renews it in the transaction that deletes
 * the published events), so the single writer does one small transaction per turn of up to
 * {@value #BATCHES_PER_TURN} batches, and the batches are read on a reader connection. A lease is given up on a
 * failure, at a stop, or lapses {@link #LEASE} after a node dies. A batch the connector does not answer with a 2xx
 * is sent again after a backoff (1 s doubling to 5 min, or
 * the connector's {@code Retry-After}, up to an hour), which survives a restart; each event is retried until its age
 * limit ({@link CurrentsEvents#MAX_AGE}) and then kept as dead for replay (and deleted a week later). Publishing
 * runs on its own thread and sender: a slow or dead connector never holds up a delivery.
 */
final class CurrentsPublisher implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(CurrentsPublisher.class);
    static final Duration LEASE = Duration.ofSeconds(30);
    /** A held lease is renewed in the journal before it has less than this left. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    static final Duration DEAD_KEPT = Duration.ofDays(7);
    private static final Duration RECOUNT_EVERY = Duration.ofMinutes(1);
    /** The most batches one turn sends (with a backlog), and the most events it reads for them. */
    static final int BATCHES_PER_TURN = 10;
    private static final int MAX_EVENTS_PER_TURN = 5_000;

    private final Store store;
    private final Supplier<List<WorkspaceConfig>> workspaces;
    private final Sender<WebhookMessage> http;
    private final StreamBacklog backlog;
    private final Clock clock;
    private final Duration pollInterval;
    private final String owner = UUID.randomUUID().toString();
    /** Workspaces with a batch on its way. */
    private final Set<String> sending = ConcurrentHashMap.newKeySet();
    /** When a workspace's connector may be tried next, as far as this node knows (the journal has the truth). */
    private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();
    /** Workspaces whose stream this node leases, and until when (as written in the journal). */
    private final Map<String, Instant> leasedUntil = new ConcurrentHashMap<>();
    private final Thread loop;
    private volatile boolean running = true;
    private Instant nextRecount = Instant.MIN;

    CurrentsPublisher(Store store, Supplier<List<WorkspaceConfig>> workspaces, Sender<WebhookMessage> http,
                      StreamBacklog backlog, Clock clock, Duration pollInterval) {
        this.store = store;
        this.workspaces = workspaces;
        this.http = http;
        this.backlog = backlog;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.loop = Thread.ofPlatform().daemon(true).name("herald-currents").unstarted(this::run);
    }

    void start() {
        loop.start();
    }

    /** The workspace's connector may be tried at once (its backoff was ended in the journal). */
    void retryNow(String workspace) {
        notBefore.remove(workspace);
        wake();
    }

    /** There may be something to send. */
    void wake() {
        LockSupport.unpark(loop);
    }

    private void run() {
        while (running) {
            try {
                cycle();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (running) {
                    logger.warn("event stream cycle failed; trying again in 1 s: {}", e.toString());
                    LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                }
            }
            LockSupport.parkNanos(this, pollInterval.toNanos());
        }
    }

    /** One look at every connector: sends the batches that are due (visible to tests, which step the clock). */
    void cycle() throws Exception {
        Instant now = clock.instant();
        if (!now.isBefore(nextRecount)) {
            nextRecount = now.plus(RECOUNT_EVERY);
            housekeeping(now);
        }
        for (WorkspaceConfig ws : workspaces.get()) {
            Optional<CurrentsConfig> currents = ws.events().currents();
            if (currents.isEmpty() || sending.contains(ws.id())
                    || now.isBefore(notBefore.getOrDefault(ws.id(), Instant.MIN))) {
                continue;
            }
            List<StreamBatch> batches = take(ws.id(), currents.get(), now);
            if (!batches.isEmpty() && sending.add(ws.id())) {
                send(batches, currents.get());
            }
        }
    }

    private void housekeeping(Instant now) throws Exception {
        int purged = store.write(tx -> tx.streamEvents().purgeDead(now.minus(DEAD_KEPT), 10_000))
                .get(30, TimeUnit.SECONDS);
        if (purged > 0) {
            logger.info("deleted {} dead stream events older than {} days", purged, DEAD_KEPT.toDays());
        }
        backlog.recount(store.readInBackground(tx -> tx.streamEvents().heldCounts()).get(30, TimeUnit.SECONDS));
    }

    /**
     * The batches due now, leased to this node: with a backlog, up to {@value #BATCHES_PER_TURN} batches read at once,
     * sent one after another and recorded in one journal write (a turn per batch cost a read, a write and the
     * writer's attention per 100 events).
     */
    private List<StreamBatch> take(String workspace, CurrentsConfig c, Instant now) throws Exception {
        List<StreamEventRow> peek = pending(workspace, c);
        if (peek.isEmpty() || peek.size() < c.batchSize()
                && now.isBefore(peek.get(0).createdAt().plus(c.flushInterval()))) {
            return List.of();
        }
        Instant held = leasedUntil.get(workspace);
        if (held == null || !now.plus(LEASE_MARGIN).isBefore(held)) {
            Instant until = now.plus(LEASE);
            Instant lookAgainAt = store.write(tx -> {
                if (tx.streamEvents().lease(workspace, owner, now, until)) {
                    return null;
                }
                // Another node has it, or its backoff (perhaps from before a restart) is not over: look again then.
                Instant backoffEnds = tx.streamEvents().connector(workspace).map(StreamConnector::nextAttemptAt)
                        .orElse(now);
                return backoffEnds.isAfter(now) ? backoffEnds : now.plusSeconds(1);
            }).get(30, TimeUnit.SECONDS);
            if (lookAgainAt != null) {
                leasedUntil.remove(workspace);
                notBefore.put(workspace, lookAgainAt);
                return List.of();
            }
            leasedUntil.put(workspace, until);
            // Read again under the lease: another node may have published what the first look saw.
            peek = pending(workspace, c);
            if (peek.isEmpty()) {
                return List.of();
            }
        }
        List<StreamBatch> batches = new ArrayList<>();
        for (int from = 0; from < peek.size(); from += c.batchSize()) {
            List<StreamEventRow> part = peek.subList(from, Math.min(peek.size(), from + c.batchSize()));
            boolean partDue = part.size() == c.batchSize() || batches.isEmpty()
                    || !now.isBefore(part.get(0).createdAt().plus(c.flushInterval()));
            if (!partDue) {
                break; // a short last batch waits to fill up, like a short first one
            }
            batches.add(new StreamBatch(workspace, part));
        }
        return batches;
    }

    private List<StreamEventRow> pending(String workspace, CurrentsConfig c) throws Exception {
        int limit = Math.min(MAX_EVENTS_PER_TURN, c.batchSize() * BATCHES_PER_TURN); // batch_size is at most 1,000
        return store.readInBackground(tx -> tx.streamEvents().oldestPending(workspace, limit))
                .get(30, TimeUnit.SECONDS);
    }

    /**
     * Sends the batches in order, each once the one before it was taken, and records what happened in one write:
     * the events of the batches taken are published; the first batch refused stops the turn and is recorded as
     * failed (the ones after it were not sent). A turn stops early too once it has run for {@link #LEASE_MARGIN},
     * so it always ends well inside its lease.
     */
    private void send(List<StreamBatch> batches, CurrentsConfig c) {
        String ws = batches.get(0).workspace();
        long deadline = System.nanoTime() + LEASE_MARGIN.toNanos();
        sendFrom(batches, 0, c, deadline)
                .thenCompose(end -> record(ws, batches, end))
                .whenComplete((done, failure) -> {
                    sending.remove(ws);
                    if (failure != null) {
                        logger.warn("could not record a stream batch of workspace {}: {}", ws, failure.toString());
                    }
                    wake();
                });
    }

    /**
     * How a turn ended: the connector took its first {@code taken} batches; {@code refusal} is its answer to the
     * next one when it refused it (empty: the rest were taken, or not sent because the turn ran out of time).
     */
    private record TurnEnd(int taken, Optional<SendOutcome> refusal) {
    }

    /** Sends batches from {@code i} on, until one is refused, all were taken or the turn runs out of time. */
    private CompletableFuture<TurnEnd> sendFrom(List<StreamBatch> batches, int i, CurrentsConfig c, long deadline) {
        return ConnectorSends.sendOrRetry(http, () -> request(batches.get(i), c)).thenCompose(outcome -> {
            if (!(outcome instanceof SendOutcome.Accepted)) {
                return CompletableFuture.completedFuture(new TurnEnd(i, Optional.of(outcome)));
            }
            if (i + 1 == batches.size() || System.nanoTime() - deadline > 0 || !running) {
                return CompletableFuture.completedFuture(new TurnEnd(i + 1, Optional.empty()));
            }
            return sendFrom(batches, i + 1, c, deadline);
        });
    }

    private WebhookMessage request(StreamBatch batch, CurrentsConfig c) {
        String body = batch.body();
        UUID id = batch.id();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Braze-Currents-Version", "1");
        headers.put("Authorization", "Bearer " + c.token().reveal());
        c.signingSecret().ifPresent(secret -> {
            long timestamp = clock.instant().getEpochSecond();
            try {
                headers.put("webhook-timestamp", Long.toString(timestamp));
                headers.put("webhook-signature", new Webhook(secret.reveal()).sign(id.toString(), timestamp, body));
            } catch (Exception e) {
                throw new IllegalStateException("signing a stream batch failed: " + e.getMessage(), e);
            }
        });
        // The sender sets webhook-id from the ref: the batch's id, the same when the same events go again.
        return new WebhookMessage(new DeliveryRef(id, batch.events().get(0).attempts() + 1), c.url(), "POST",
                headers, body);
    }

    /**
     * Records a turn in one write: the events of the batches taken are published, and a refused batch is a failure
     * with its backoff; batches left unsent for time are neither and stay pending.
     */
    private CompletableFuture<Void> record(String ws, List<StreamBatch> batches, TurnEnd end) {
        Instant now = clock.instant();
        List<StreamEventRow> published = batches.subList(0, end.taken()).stream()
                .flatMap(b -> b.events().stream()).toList();
        if (end.refusal().isEmpty()) {
            Instant until = now.plus(LEASE);
            return store.<Boolean>write(tx -> {
                tx.streamEvents().published(published);
                return tx.streamEvents().renew(ws, owner, until);
            }).thenAccept(renewed -> {
                if (renewed) {
                    leasedUntil.put(ws, until);
                } else {
                    leasedUntil.remove(ws);
                }
                backlog.published(ws, published.size());
                notBefore.remove(ws);
            });
        }
        StreamBatch batch = batches.get(end.taken());
        SendOutcome outcome = end.refusal().get();
        String error = outcome.describe();
        return store.<Integer>write(tx -> {
            tx.streamEvents().published(published);
            int failures = tx.streamEvents().connector(ws).map(s -> s.failures()).orElse(0) + 1;
            Instant next = now.plus(backoff(failures, outcome));
            int dead = tx.streamEvents().failed(batch.events(), error, now);
            tx.streamEvents().release(ws, owner, Optional.of(error), next);
            leasedUntil.remove(ws);
            notBefore.put(ws, next);
            if (failures == 1 || dead > 0) {
                logger.warn("workspace {}: the events connector refused a batch of {} ({}); trying again at {}{}", ws,
                        batch.events().size(), error, next, dead > 0 ? "; " + dead + " events past their age limit "
                                + "are kept as dead (replay: POST /herald/v1/dead_events/replay)" : "");
            }
            return dead;
        }).thenAccept(dead -> {
            backlog.published(ws, published.size());
            backlog.died(ws, dead);
        });
    }

    /** The pause before the next batch: the connector's {@code Retry-After}, else 1 s doubling per failure. */
    static Duration backoff(int failures, SendOutcome outcome) {
        Duration asked = switch (outcome) {
            case SendOutcome.Throttled t -> t.retryAfter();
            case SendOutcome.Retry r -> r.after();
            case SendOutcome.Accepted a -> Duration.ZERO;
            case SendOutcome.Failed f -> Duration.ZERO;
            case SendOutcome.AddressInvalid a -> Duration.ZERO;
        };
        if (asked.isPositive()) {
            return asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked;
        }
        long millis = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(failures - 1, 20));
        return Duration.ofMillis((long) (millis * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(loop);
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
            releaseLeases();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Gives back the leases this node holds, so another node takes the streams over at once. */
    private void releaseLeases() throws InterruptedException {
        for (String ws : List.copyOf(leasedUntil.keySet())) {
            if (sending.contains(ws)) {
                continue; // its batch's outcome releases or renews it; a stop lets the lease lapse
            }
            try {
                store.<Void>write(tx -> {
                    tx.streamEvents().giveBack(ws, owner);
                    return null;
                }).get(5, TimeUnit.SECONDS);
                leasedUntil.remove(ws);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                     | RuntimeException e) {
                logger.warn("could not give back the event stream lease of workspace {}: {}", ws, e.toString());
            }
        }
    }
}
