package dev.herald.gateway.delivery;

import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.store.AttemptOutcome;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes an attempt's outcome: the delivery's new state, what the answer changes in the directory and what the
 * listeners add (outbox events, held receipts), in one transaction, and only while the attempt's claim holds and
 * the delivery is still waiting on it (a late, repeated or stale result is dropped and counted by the store).
 *
 * <p>Outcomes that finish while the store is busy are written together: one store write takes every outcome
 * waiting when it runs and records them with one {@link dev.herald.gateway.store.Claims#recordAll} (one round trip
 * on a database server, not one per delivery). If that write fails, each of its outcomes is written on its own, so
 * one outcome's failure stays its own. A store that cannot commit is asked again a few times, one second apart and
 * more; after that the delivery stays claimed until the next start (or its lease lapses), which sends it again.
 */
final class OutcomeRecorder implements AutoCloseable {
    static final int WRITE_ATTEMPTS = 5;

    /**
     * An outcome waiting for the next combined write: the change it makes (timed when the answer came) and the
     * listeners bound to it, which did their journal-free work before the write.
     */
    private record Pending(ClaimedDelivery claim, Attempted attempted, StateChange change, OutcomeListener bound,
                           CompletableFuture<Optional<StateChange>> written) {
    }

    private final Store store;
    private final OutcomeListener listeners;
    private final Clock clock;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon(true).name("herald-outcome-retry").factory());
    private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
    /** Whether a combined write is queued that has not yet taken the waiting outcomes. */
    private final AtomicBoolean combinedQueued = new AtomicBoolean();
    private volatile boolean running = true;

    OutcomeRecorder(Store store, OutcomeListener listeners, Clock clock) {
        this.store = store;
        this.listeners = listeners;
        this.clock = clock;
    }

    /** Writes the outcome; completes with whether it was applied (false: the delivery had moved on). */
    CompletableFuture<Boolean> record(ClaimedDelivery c, Optional<DispatchSpec> spec, Attempted a) {
        var change = new StateChange(c.delivery(), c.kind(), spec, DeliveryStatus.QUEUED, a.update().status(),
                a.update().lastError(), a.answer(), a.update().providerMessageId(), clock.instant());
        var pending = new Pending(c, a, change, listeners.prepared(change), new CompletableFuture<>());
        waiting.add(pending);
        if (combinedQueued.compareAndSet(false, true)) {
            writeCombined();
        }
        return pending.written().thenApply(written -> {
            written.ifPresent(listeners::committed);
            return written.isPresent();
        });
    }

    /** Queues a write that records every outcome waiting when it runs. */
    private void writeCombined() {
        var taken = new ArrayList<Pending>();
        var ran = new AtomicBoolean();
        store.<List<Optional<StateChange>>>write(tx -> {
            if (!ran.getAndSet(true)) { // the first run; a run again after a failure writes the same outcomes
                take(taken);
            }
            return apply(tx, taken);
        }).whenComplete((changes, failure) -> {
            if (failure == null) {
                for (int i = 0; i < taken.size(); i++) {
                    taken.get(i).written().complete(changes.get(i));
                }
                return;
            }
            if (!ran.getAndSet(true)) { // refused before it ran (a closing store): nothing else will take them
                take(taken);
            }
            for (Pending p : taken) { // each on its own: one outcome that cannot be written holds no other back
                write(p, 1).whenComplete((change, e) -> {
                    if (e != null) {
                        p.written().completeExceptionally(e);
                    } else {
                        p.written().complete(change);
                    }
                });
            }
        });
    }

    /** Takes every waiting outcome; the next one to arrive queues a new combined write. */
    private void take(List<Pending> taken) {
        combinedQueued.set(false);
        for (Pending p; (p = waiting.poll()) != null; ) {
            taken.add(p);
        }
    }

    private List<Optional<StateChange>> apply(StoreTx tx, List<Pending> outcomes) throws SQLException {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        boolean[] applied = tx.claims().recordAll(outcomes.stream()
                .map(p -> new AttemptOutcome(p.claim().token(), p.attempted().update())).toList(), now);
        List<Optional<StateChange>> changes = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            Pending p = outcomes.get(i);
            changes.add(applied[i] ? Optional.of(effects(tx, p, now)) : Optional.empty());
        }
        return changes;
    }

    /** What a recorded outcome changes besides the delivery: the directory, and what the listeners add. */
    private StateChange effects(StoreTx tx, Pending p, Instant now) throws SQLException {
        Attempted a = p.attempted();
        if (a.effect().isPresent()) {
            a.effect().get().apply(tx, now);
        }
        tx.usage().countMove(p.claim().delivery().workspace(), p.claim().delivery().channel(), DeliveryStatus.QUEUED,
                a.update().status(), now);
        p.bound().changed(tx, p.change());
        return p.change();
    }

    private CompletableFuture<Optional<StateChange>> write(Pending p, int attempt) {
        return store.<Optional<StateChange>>write(tx -> {
            Instant now = clock.instant();
            if (!tx.claims().record(p.claim().token(), p.attempted().update(), now)) {
                return Optional.empty();
            }
            return Optional.of(effects(tx, p, now));
        }).exceptionallyCompose(failure -> {
            if (attempt >= WRITE_ATTEMPTS || !running) {
                return CompletableFuture.failedFuture(failure);
            }
            CompletableFuture<Optional<StateChange>> next = new CompletableFuture<>();
            retries.schedule(() -> write(p, attempt + 1).whenComplete((r, e) -> {
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
