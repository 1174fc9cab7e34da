package dev.herald.ratelimit;

import dev.herald.config.RateLimitConfig;
import java.time.Clock;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Builds {@link RateLimiter}s. Whoever builds one closes it.
 *
 * <pre>{@code
 * RateLimiter<WorkspaceId> limiter = RateLimiters.create(config.rateLimit(), Clock.systemUTC(), System::nanoTime);
 * Limit limit = Limit.of(Policy.perHour("hourly", 250_000), Policy.perSecond("burst", 1_000));
 * limiter.tryAcquire(workspace, limit).thenAccept(permit -> switch (permit) { … });
 * }</pre>
 */
public final class RateLimiters {
    private RateLimiters() {
    }

    /**
     * Local buckets in this process (one node), timed by {@code nanoTime} (a monotonic nanosecond source such as
     * {@code System::nanoTime}; tests pass a fake one).
     */
    public static <K> RateLimiter<K> local(LongSupplier nanoTime) {
        return new LocalRateLimiter<>(nanoTime);
    }

    /** Local buckets timed by {@link System#nanoTime()}. */
    public static <K> RateLimiter<K> local() {
        return local(System::nanoTime);
    }

    /**
     * Buckets shared by every node through Redis, failing open to local buckets of limit ÷ {@code options.nodes()}
     * while Redis is unreachable, slow or failing; {@code stats().failOpenCount()} counts those decisions. Waits up
     * to about a second for the first connection; if Redis is down at start, the limiter starts degraded and
     * connects later.
     *
     * @param clock    the wall clock that times the shared buckets (every node must agree on it; NTP is enough)
     * @param nanoTime the monotonic source for the local fallback, the back-off window and log throttling
     */
    public static <K> RateLimiter<K> redis(RedisLimiterOptions options, Clock clock, LongSupplier nanoTime) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoTime, "nanoTime");
        var connector = new RedisConnector(options, clock);
        connector.awaitFirstConnection();
        return new RedisRateLimiter<>(options, connector, nanoTime);
    }

    /** {@link #redis(RedisLimiterOptions, Clock, LongSupplier)} with the system clocks. */
    public static <K> RateLimiter<K> redis(RedisLimiterOptions options) {
        return redis(options, Clock.systemUTC(), System::nanoTime);
    }

    /** The limiter a {@link RateLimitConfig} asks for: local, or Redis with the config's uri, nodes and timeout. */
    public static <K> RateLimiter<K> create(RateLimitConfig config, Clock clock, LongSupplier nanoTime) {
        return switch (config.backend()) {
            case LOCAL -> local(nanoTime);
            case REDIS -> redis(RedisLimiterOptions.from(config), clock, nanoTime);
        };
    }
}
