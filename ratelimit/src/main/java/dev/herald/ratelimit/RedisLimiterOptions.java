package dev.herald.ratelimit;

import dev.herald.config.RateLimitConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a Redis-backed {@link RateLimiter} reaches Redis and when it gives up on it.
 *
 * @param uri            {@code redis://[user:password@]host:port[/db]} or {@code rediss://…}
 * @param keyPrefix      prepended to each key's {@code toString()} to name its Redis key; may be empty
 * @param nodes          how many Herald nodes share the limits; while Redis fails, each node enforces
 *                       every policy's capacity ÷ nodes on its own (at least 1 token)
 * @param requestTimeout the longest a decision may wait for Redis before this node decides locally; the CAS
 *                       round trips and their retries all fit inside it (default 20 ms)
 * @param maxCasAttempts how many compare-and-swap attempts Bucket4j makes when other nodes win the race
 *                       before giving up (and failing open); at least 1
 * @param backOff        after a failure, how long this node decides locally before asking Redis again (one
 *                       probing request then), so a dead Redis is not hammered
 */
public record RedisLimiterOptions(URI uri, String keyPrefix, int nodes, Duration requestTimeout, int maxCasAttempts,
                                  Duration backOff) {
    /** The key prefix used unless another is given. */
    public static final String DEFAULT_KEY_PREFIX = "herald:ratelimit:";

    public RedisLimiterOptions {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(backOff, "backOff");
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("uri must use redis:// or rediss://, was " + uri.getScheme() + ":");
        }
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be positive, was " + nodes);
        }
        positive("requestTimeout", requestTimeout);
        positive("backOff", backOff);
        if (maxCasAttempts < 1) {
            throw new IllegalArgumentException("maxCasAttempts must be positive, was " + maxCasAttempts);
        }
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    /** Defaults: the standard key prefix, a 20 ms request timeout, 5 CAS attempts and a 1 s back-off. */
    public static RedisLimiterOptions of(URI uri, int nodes) {
        return new RedisLimiterOptions(uri, DEFAULT_KEY_PREFIX, nodes, Duration.ofMillis(20), 5,
                Duration.ofSeconds(1));
    }

    /** The options of a Redis {@link RateLimitConfig}, with the defaults of {@link #of} for the rest. */
    public static RedisLimiterOptions from(RateLimitConfig config) {
        URI uri = config.uri().orElseThrow(() -> new IllegalArgumentException("the rate-limit config has no uri"));
        return of(uri, config.nodes()).withRequestTimeout(config.requestTimeout());
    }

    /** A copy with another key prefix. */
    public RedisLimiterOptions withKeyPrefix(String prefix) {
        return new RedisLimiterOptions(uri, prefix, nodes, requestTimeout, maxCasAttempts, backOff);
    }

    /** A copy with another request timeout. */
    public RedisLimiterOptions withRequestTimeout(Duration timeout) {
        return new RedisLimiterOptions(uri, keyPrefix, nodes, timeout, maxCasAttempts, backOff);
    }

    /** A copy with another back-off. */
    public RedisLimiterOptions withBackOff(Duration duration) {
        return new RedisLimiterOptions(uri, keyPrefix, nodes, requestTimeout, maxCasAttempts, duration);
    }
}
