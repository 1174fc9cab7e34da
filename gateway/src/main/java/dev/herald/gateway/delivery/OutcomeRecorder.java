package dev.herald.gateway.delivery;

import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes an attempt's outcome: the delivery's new state, what the answer changes in the directory and what the
 * listeners add (outbox events, held receipts), in one transaction, and only while the attempt's claim holds and
 * the delivery is still waiting on it (a late, repeated or stale result is dropped and counted by the store). A store that cannot commit is asked again a few times,
 * one second apart and more; after that the delivery stays claimed until the next start, which sends it again.
 */
final class OutcomeRecorder implements AutoCloseable {
    static final int WRITE_ATTEMPTS = 5;

    private final Store store;
    private final OutcomeListener listeners;
    private final Clock clock;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon(true).name("herald-outcome-retry").factory());
    private volatile boolean running = true;

    OutcomeRecorder(Store store, OutcomeListener listeners, Clock clock) {
        this.store = store;
        this.listeners = listeners;
        this.clock = clock;
    }

    /** Writes the outcome; completes with whether it was applied (false: the delivery had moved on). */
    CompletableFuture<Boolean> record(ClaimedDelivery c, Optional<DispatchSpec> spec, Attempted a) {
        return write(c, spec, a, 1).thenApply(change -> {
            change.ifPresent(listeners::committed);
            return change.isPresent();
        });
    }

    private CompletableFuture<Optional<StateChange>> write(ClaimedDelivery c, Optional<DispatchSpec> spec,
                                                           Attempted a, int attempt) {
        return store.<Optional<StateChange>>write(tx -> {
            Instant now = clock.instant();
            if (!tx.claims().record(c.token(), a.update(), now)) {
                return Optional.empty();
            }
            if (a.effect().isPresent()) {
                a.effect().get().apply(tx, now);
            }
            var change = new StateChange(c.delivery(), c.kind(), spec, DeliveryStatus.QUEUED, a.update().status(),
                    a.update().lastError(), a.answer(), a.update().providerMessageId(), now);
            listeners.changed(tx, change);
            return Optional.of(change);
        }).exceptionallyCompose(failure -> {
            if (attempt >= WRITE_ATTEMPTS || !running) {
                return CompletableFuture.failedFuture(failure);
            }
            CompletableFuture<Optional<StateChange>> next = new CompletableFuture<>();
            retries.schedule(() -> write(c, spec, a, attempt + 1).whenComplete((r, e) -> {
                if (e != null) {
                    next.completeExceptionally(e);
                } else {
                    next.complete(r);
                }
            }), attempt, TimeUnit.SECONDS);
            return next;
        });
    }

    @Override
    public void close() {
        running = false;
        retries.shutdownNow();
    }
}
