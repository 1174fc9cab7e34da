package dev.herald.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How deliveries are attempted and retried.
 *
 * @param maxAge       a message's age limit unless the message or its campaign sets one; then it is {@code expired}
 * @param retryBase    first backoff step (exponential with full jitter)
 * @param retryCap     longest backoff step
 * @param maxInFlight  sends running at once across all channels
 * @param pollInterval how often the scheduler looks for due work when nothing wakes it earlier
 */
public record DeliveryConfig(Duration maxAge, Duration retryBase, Duration retryCap, int maxInFlight,
                             Duration pollInterval) {
    public DeliveryConfig {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(retryBase, "retryBase");
        Objects.requireNonNull(retryCap, "retryCap");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (retryCap.compareTo(retryBase) < 0) {
            throw new IllegalArgumentException("retryCap must not be shorter than retryBase");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive, was " + maxInFlight);
        }
    }

    /** 24 h age limit, backoff 1 s to 1 h, 512 sends in flight, 250 ms poll. */
    public static DeliveryConfig defaults() {
        return new DeliveryConfig(Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofHours(1), 512,
                Duration.ofMillis(250));
    }
}
