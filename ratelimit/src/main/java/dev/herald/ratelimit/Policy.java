package dev.herald.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One greedy-refill bandwidth: at most {@code capacity} tokens, refilled evenly over {@code period} (so
 * {@code (1000, 1s)} adds one token every millisecond). A bucket starts full.
 *
 * @param name     the policy's name in the {@code RateLimit} and {@code RateLimit-Policy} headers and the
 *                 Bucket4j bandwidth id: 1–64 letters, digits, {@code _ . : -}
 * @param capacity the most tokens the bandwidth holds, and how many it refills per period; at least 1
 * @param period   the time to refill a drained bandwidth completely; positive, at most 366 days, and long
 *                 enough that no more than one token is refilled per nanosecond (a Bucket4j limit)
 */
public record Policy(String name, long capacity, Duration period) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Duration MAX_PERIOD = Duration.ofDays(366);

    public Policy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(period, "period");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "name must be 1-64 letters, digits, '_', '.', ':' or '-', was \"" + name + "\"");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        if (period.isNegative() || period.isZero() || period.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("period must be positive and at most 366 days, was " + period);
        }
        if (capacity > period.toNanos()) {
            throw new IllegalArgumentException("capacity " + capacity + " per " + period
                    + " refills more than one token per nanosecond");
        }
    }

    /** {@code capacity} tokens per hour. */
    public static Policy perHour(String name, long capacity) {
        return new Policy(name, capacity, Duration.ofHours(1));
    }

    /** {@code capacity} tokens per second. */
    public static Policy perSecond(String name, long capacity) {
        return new Policy(name, capacity, Duration.ofSeconds(1));
    }

    /**
     * This policy on one of {@code nodes} nodes that share it without coordination: the capacity divided
     * (rounded down, at least 1), the period unchanged.
     */
    public Policy dividedBy(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be positive, was " + nodes);
        }
        return nodes == 1 ? this : new Policy(name, Math.max(1, capacity / nodes), period);
    }
}
