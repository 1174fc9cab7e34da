package dev.herald.ratelimit;

/**
 * Health figures of a {@link RateLimiter} for metrics and health checks. Local limiters always report zero and
 * {@code false}. Thread-safe; the values are live.
 */
public interface RateLimiterStats {

    /** Stats of a limiter that never fails open. */
    RateLimiterStats NONE = new RateLimiterStats() {
        @Override
        public long failOpenCount() {
            return 0;
        }

        @Override
        public boolean degraded() {
            return false;
        }
    };

    /**
     * How many decisions so far were made by the local fallback because the shared store (Redis) was unreachable,
     * slow or failing. A monotonic counter.
     */
    long failOpenCount();

    /** Whether decisions are currently made locally because the shared store failed recently. */
    boolean degraded();
}
