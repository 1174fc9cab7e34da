package dev.herald.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a key may spend tokens under a {@link Limit}, one bucket per key.
 *
 * <p>Thread-safe and long-lived. {@link #tryAcquire} never blocks the caller, so it is safe on an event loop:
 * a local limiter returns a completed stage; a Redis-backed one completes on a Redis I/O thread (or a timer
 * thread when Redis is slow) — move back to your own thread before doing real work in a callback. The stage
 * always completes normally with a {@link Permit} (a denial is a {@link Permit.Denied}, not an exception); it
 * completes exceptionally only after {@link #close()} ({@link IllegalStateException}) or on a bug.
 *
 * <p>The limit is passed on every call rather than registered, so a configuration reload takes effect on the
 * next request: when a key's limit changes its bucket is reconfigured in place, keeping the share of each
 * policy already spent. State is dropped only for keys idle longer than their longest refill period, by which
 * time a bucket is full again and equivalent to a new one.
 *
 * @param <K> the key type (for example a workspace id); its {@code equals}/{@code hashCode} identify buckets
 *            and, for Redis, its {@code toString()} names them
 */
public interface RateLimiter<K> extends AutoCloseable {

    /**
     * Spends {@code tokens} tokens from every policy of {@code limit} for {@code key} if all of them have enough,
     * otherwise spends nothing.
     *
     * @param tokens at least 1; a request larger than a policy's capacity is always denied
     */
    CompletionStage<Permit> tryAcquire(K key, Limit limit, long tokens);

    /** {@link #tryAcquire(Object, Limit, long)} with one token. */
    default CompletionStage<Permit> tryAcquire(K key, Limit limit) {
        return tryAcquire(key, limit, 1);
    }

    /** Live health figures (fail-open count) for metrics. */
    RateLimiterStats stats();

    /** Releases the limiter's resources (Redis connections, threads). Idempotent. */
    @Override
    void close();
}
