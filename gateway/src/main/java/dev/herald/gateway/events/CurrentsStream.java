package dev.herald.gateway.events;

import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.delivery.OutcomeListener;
import dev.herald.gateway.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Currents-style stream of every message event (README "Events out"): the {@link OutcomeListener} that writes
 * each delivery's events into the outbox with the change that causes them, and the publisher that sends them to each
 * workspace's {@code events.currents} connector in batches. Nothing here is on a delivery's path but the outbox
 * insert.
 */
public final class CurrentsStream implements AutoCloseable {
    private final CurrentsEvents events;
    private final CurrentsPublisher publisher;

    /**
     * A stream for the workspaces {@code workspace} finds (by id) and {@code all} lists, sent through {@code http}
     * (a webhook sender of its own, so the SSRF guard applies and a slow connector holds no delivery's connection).
     */
    public CurrentsStream(Store store, Function<String, Optional<WorkspaceConfig>> workspace,
                          Supplier<List<WorkspaceConfig>> all, Sender<WebhookMessage> http, Clock clock,
                          Duration pollInterval, MeterRegistry registry) {
        StreamBacklog backlog = new StreamBacklog(registry);
        this.events = new CurrentsEvents(workspace, clock, backlog);
        this.publisher = new CurrentsPublisher(store, all, http, backlog, clock, pollInterval);
    }

    /** Writes the events of every delivery change, in its transaction. */
    public OutcomeListener events() {
        return events;
    }

    /** Starts publishing. */
    public void start() {
        publisher.start();
    }

    /** There may be events to publish now (new ones, or dead ones replayed). */
    public void wake() {
        publisher.wake();
    }

    /** Dead events of {@code workspace} were replayed and its backoff ended: try its connector at once. */
    public void replayed(String workspace) {
        publisher.retryNow(workspace);
    }

    /** Publishes what is due now, on the caller's thread (tests that step the clock). */
    public void publishDue() throws Exception {
        publisher.cycle();
    }

    @Override
    public void close() {
        publisher.close();
    }
}
