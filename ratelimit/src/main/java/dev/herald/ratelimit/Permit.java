package dev.herald.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A rate-limit decision: {@link Granted} (the tokens were spent from every policy) or {@link Denied} (nothing
 * was spent). Both carry every policy's state after the decision, in the limit's order, for the response headers.
 * A denial is a value, never an exception: switch over it exhaustively.
 */
public sealed interface Permit {

    /** Every policy's state after the decision, in the limit's order; never empty. */
    List<PolicyState> states();

    /**
     * The policy with the smallest share of its capacity left ({@code remaining / capacity}); on a tie the one
     * listed first. The legacy {@code X-RateLimit-*} headers describe this policy.
     */
    default PolicyState closestToExhaustion() {
        PolicyState closest = states().getFirst();
        for (PolicyState s : states()) {
            if (compareShares(s, closest) < 0) {
                closest = s;
            }
        }
        return closest;
    }

    /** Compares remaining/capacity of two states exactly (128-bit cross products; both sides are non-negative). */
    private static int compareShares(PolicyState a, PolicyState b) {
        long left = a.remaining() * b.policy().capacity();
        long right = b.remaining() * a.policy().capacity();
        long leftHigh = Math.multiplyHigh(a.remaining(), b.policy().capacity());
        long rightHigh = Math.multiplyHigh(b.remaining(), a.policy().capacity());
        return leftHigh != rightHigh ? Long.compare(leftHigh, rightHigh) : Long.compareUnsigned(left, right);
    }

    /**
     * The tokens were spent.
     *
     * @param states every policy's state after spending, in the limit's order
     */
    record Granted(List<PolicyState> states) implements Permit {
        public Granted {
            states = List.copyOf(Objects.requireNonNull(states, "states"));
            if (states.isEmpty()) {
                throw new IllegalArgumentException("states must not be empty");
            }
        }
    }

    /**
     * Not enough tokens; nothing was spent.
     *
     * @param retryAfter how long until the request could be granted if nobody else spends meanwhile (Bucket4j's
     *                   nanos-to-wait-for-refill); very long when the request is larger than a policy's capacity
     * @param violated   the policy that needs the longest wait (for {@code violated-policies} in a 429 body)
     * @param states     every policy's state, in the limit's order
     */
    record Denied(Duration retryAfter, Policy violated, List<PolicyState> states) implements Permit {
        public Denied {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(violated, "violated");
            states = List.copyOf(Objects.requireNonNull(states, "states"));
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
            }
            if (states.stream().noneMatch(s -> s.policy().equals(violated))) {
                throw new IllegalArgumentException("violated policy " + violated.name() + " is not among the states");
            }
        }

        /** {@link #retryAfter()} in whole seconds for HTTP {@code Retry-After}: rounded up, at least 1. */
        public long retryAfterSeconds() {
            long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
            return Math.max(1, seconds);
        }
    }
}
