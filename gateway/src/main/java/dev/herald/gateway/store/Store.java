package dev.herald.gateway.store;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * The journal every accepted request, delivery, retry and event lives in: one SQL model, more than one engine
 * (chosen from {@code store.kind} by {@code Stores}). An engine supplies this interface (where work runs, how it
 * is made durable), a {@link Dialect} for the SQL that differs, and its {@link Claims}; the table classes are
 * shared. A write's stage completes only
 * once the write is durable (committed and fsync'd); if it cannot be made durable the stage fails with
 * {@link StoreUnavailableException} and nothing of it is kept.
 *
 * <p>Work runs on threads the store owns, never on the caller's (a Netty event loop must never run JDBC).
 * Stages complete on a store thread: continuations must be short or hop to their own executor.
 */
public interface Store extends AutoCloseable {

    /** Work run against the journal inside a transaction (writes) or on a read connection (reads). */
    @FunctionalInterface
    interface Work<T> {
        /** Runs the work; an exception rolls back this work only. */
        T run(StoreTx tx) throws SQLException;
    }

    /**
     * Runs an ingress write (an API request). The queue for these is bounded: when full, the stage fails at
     * once with {@link StoreOverloadedException} and nothing is stored.
     */
    <T> CompletableFuture<T> writeIngress(Work<T> work);

    /**
     * Runs an internal write (claims, outcomes, expansion, purge). Not bounded by the ingress queue: these
     * are already bounded by the scheduler's in-flight limit and must never be dropped.
     */
    <T> CompletableFuture<T> write(Work<T> work);

    /** Runs a read on a read connection; sees every write whose stage has completed. */
    <T> CompletableFuture<T> read(Work<T> work);

    /**
     * Runs a read that no request waits for (publishing the event stream, housekeeping) where it cannot queue ahead
     * of the reads requests wait for; an engine whose reads do not queue on a few connections runs it as
     * {@link #read}.
     */
    default <T> CompletableFuture<T> readInBackground(Work<T> work) {
        return read(work);
    }

    /** Writes waiting to run now (a gauge: a growing queue means the journal is the bottleneck). */
    default int pendingWrites() {
        return 0;
    }

    /** Outcomes dropped because their claim was stale, since the store opened. */
    default long staleOutcomes() {
        return 0;
    }

    /**
     * Why writes cannot be made durable now (a full disk, a lost file), if they cannot: readiness reports it. An
     * engine that recovers by itself clears it once a write commits again.
     */
    default java.util.Optional<String> writeProblem() {
        return java.util.Optional.empty();
    }

    /**
     * Gives up a claim whose outcome could not be written (the store failed meanwhile): the delivery is sent again,
     * by this process after a restart where claims live in memory, by any node once the lease ends where they are
     * leased. Without it a shared journal's heartbeat would keep renewing a claim nobody will record.
     */
    default void abandon(ClaimToken token) {
    }

    /**
     * Tells {@code wake} whenever another node sharing this journal has committed new due work (a PostgreSQL
     * {@code NOTIFY}), so an idle scheduler picks it up at once instead of at its next poll. An engine only one
     * process uses never calls it.
     */
    default void onRemoteWork(Runnable wake) {
    }

    /**
     * Tells {@code sink} the usage counts of every transaction once it is committed (each row: what that transaction
     * added), so metrics count exactly what the journal kept. The sink runs on a store thread: it must be quick and
     * must not throw. An engine calls the last sink given.
     */
    default void onUsage(java.util.function.Consumer<java.util.List<UsageRow>> sink) {
    }

    /** Finishes queued writes, then closes connections and releases the store. Idempotent. */
    @Override
    void close();
}
