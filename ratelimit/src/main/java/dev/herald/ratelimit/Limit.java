package dev.herald.ratelimit;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The bandwidths that apply together to one key, for example an hourly quota and a per-second burst: a request
 * is granted only if every policy has the tokens, and then it spends them from every policy.
 *
 * @param policies one or more policies with distinct names, in the order the headers list them
 */
public record Limit(List<Policy> policies) {
    public Limit {
        policies = List.copyOf(Objects.requireNonNull(policies, "policies"));
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("policies must not be empty");
        }
        var names = new HashSet<String>();
        for (Policy p : policies) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("policy names must be distinct, \"" + p.name() + "\" repeats");
            }
        }
    }

    /** A limit of the given policies, in this order. */
    public static Limit of(Policy first, Policy... more) {
        return new Limit(Stream.concat(Stream.of(first), Arrays.stream(more)).toList());
    }

    /** The longest refill period: after that long idle, every policy of this limit is full again. */
    public Duration longestPeriod() {
        return policies.stream().map(Policy::period).max(Duration::compareTo).orElseThrow();
    }

    /** Each policy divided among {@code nodes} nodes (see {@link Policy#dividedBy(int)}). */
    public Limit dividedBy(int nodes) {
        return new Limit(policies.stream().map(p -> p.dividedBy(nodes)).toList());
    }
}
