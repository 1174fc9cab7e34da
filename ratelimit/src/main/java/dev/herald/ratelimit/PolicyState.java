package dev.herald.ratelimit;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;

/**
 * One policy's state right after a decision.
 *
 * @param policy     the policy
 * @param remaining  whole tokens left, from 0 to the policy's capacity
 * @param resetAfter how long until this policy is full again if nothing more is spent:
 *                   {@code ceil((capacity − remaining) × period / capacity)}; zero when full
 */
public record PolicyState(Policy policy, long remaining, Duration resetAfter) {
    public PolicyState {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(resetAfter, "resetAfter");
        if (remaining < 0 || remaining > policy.capacity()) {
            throw new IllegalArgumentException(
                    "remaining must be within 0.." + policy.capacity() + ", was " + remaining);
        }
        if (resetAfter.isNegative()) {
            throw new IllegalArgumentException("resetAfter must not be negative, was " + resetAfter);
        }
    }

    /**
     * The state of {@code policy} with {@code available} tokens (clamped to 0..capacity), its reset time
     * computed from the greedy refill rate, rounded up to the nanosecond.
     */
    public static PolicyState of(Policy policy, long available) {
        long remaining = Math.clamp(available, 0, policy.capacity());
        return new PolicyState(policy, remaining, timeToRefill(policy, policy.capacity() - remaining));
    }

    /** How long the greedy refill of {@code policy} takes to add {@code tokens} tokens, rounded up. */
    static Duration timeToRefill(Policy policy, long tokens) {
        if (tokens <= 0) {
            return Duration.ZERO;
        }
        long periodNanos = policy.period().toNanos();
        long capacity = policy.capacity();
        if (Math.multiplyHigh(tokens, periodNanos) == 0 && tokens * periodNanos >= 0) {
            long product = tokens * periodNanos;
            return Duration.ofNanos(product / capacity + (product % capacity == 0 ? 0 : 1));
        }
        // tokens × period beyond a long (huge capacities over long periods): exact, off the common path.
        BigInteger[] qr = BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(periodNanos))
                .divideAndRemainder(BigInteger.valueOf(capacity));
        BigInteger nanos = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        BigInteger[] secondsAndNanos = nanos.divideAndRemainder(BigInteger.valueOf(1_000_000_000));
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
    }
}
