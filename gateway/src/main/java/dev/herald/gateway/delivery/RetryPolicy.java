package dev.herald.gateway.delivery;

import dev.herald.config.DeliveryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When a failed attempt is tried again: exponential backoff with full jitter (a random delay up to
 * {@code min(cap, base × 2^(attempt-1))}), never sooner than the provider's {@code Retry-After}, and never
 * sooner than a tenth of the base, so an unlucky draw cannot turn a failing provider into a busy loop.
 */
public final class RetryPolicy {
    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    /** A policy with the configured base and cap. */
    public RetryPolicy(DeliveryConfig config, RandomGenerator random) {
        this(config.retryBase(), config.retryCap(), random);
    }

    RetryPolicy(Duration base, Duration cap, RandomGenerator random) {
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** The ceiling of the jittered delay after {@code attempt} attempts (1 = after the first). */
    Duration ceiling(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 40);
        long millis = base.toMillis() << shift;
        return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
    }

    /** How long to wait after {@code attempt} failed attempts, given the provider's request. */
    public Duration delay(int attempt, Duration providerRetryAfter) {
        long ceiling = ceiling(attempt).toMillis();
        long floor = base.toMillis() / 10;
        long drawn = ceiling <= floor ? floor : floor + random.nextLong(ceiling - floor + 1);
        Duration jittered = Duration.ofMillis(drawn);
        return jittered.compareTo(providerRetryAfter) >= 0 ? jittered : providerRetryAfter;
    }

    /** When the next attempt is due. */
    public Instant next(Instant now, int attempt, Duration providerRetryAfter) {
        return now.plus(delay(attempt, providerRetryAfter));
    }
}
