package dev.herald.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Translations between Herald's limit values and Bucket4j's configuration, clock and probe types. */
final class Bucket4jMapping {
    private Bucket4jMapping() {
    }

    /** One greedy bandwidth per policy, in order, with the policy name as the bandwidth id. */
    static BucketConfiguration configuration(Limit limit) {
        var builder = BucketConfiguration.builder();
        for (Policy p : limit.policies()) {
            builder.addLimit(Bandwidth.builder().capacity(p.capacity()).refillGreedy(p.capacity(), p.period())
                    .id(p.name()).build());
        }
        return builder.build();
    }

    /**
     * The limit a stored configuration describes (the inverse of {@link #configuration}); Redis may hold one
     * written by another node.
     */
    static Limit limit(BucketConfiguration configuration) {
        var policies = new ArrayList<Policy>();
        for (Bandwidth b : configuration.getBandwidths()) {
            policies.add(new Policy(b.getId(), b.getCapacity(), Duration.ofNanos(b.getRefillPeriodNanos())));
        }
        return new Limit(policies);
    }

    /** Whether {@code configuration} is exactly {@code limit}'s, checked without allocating. */
    static boolean describes(BucketConfiguration configuration, Limit limit) {
        Bandwidth[] bandwidths = configuration.getBandwidths();
        if (bandwidths.length != limit.policies().size()) {
            return false;
        }
        for (int i = 0; i < bandwidths.length; i++) {
            Bandwidth b = bandwidths[i];
            Policy p = limit.policies().get(i);
            if (!p.name().equals(b.getId()) || b.getCapacity() != p.capacity() || b.getRefillTokens() != p.capacity()
                    || b.getRefillPeriodNanos() != p.period().toNanos() || b.isRefillIntervally()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The permit for a verbose probe: every bandwidth's available tokens after the decision, and on a rejection
     * the bandwidth that needs the longest wait for {@code tokens}.
     *
     * @param expected the limit the bucket is believed to have; used when the result's configuration matches it,
     *                 which saves rebuilding the policies on every decision
     */
    static Permit permit(VerboseResult<ConsumptionProbe> result, Limit expected, long tokens) {
        BucketConfiguration configuration = result.getConfiguration();
        Limit limit = describes(configuration, expected) ? expected : limit(configuration);
        long[] available = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
        List<PolicyState> states = new ArrayList<>(available.length);
        for (int i = 0; i < available.length; i++) {
            states.add(PolicyState.of(limit.policies().get(i), available[i]));
        }
        ConsumptionProbe probe = result.getValue();
        if (probe.isConsumed()) {
            return new Permit.Granted(states);
        }
        return new Permit.Denied(Duration.ofNanos(probe.getNanosToWaitForRefill()), violated(states, tokens), states);
    }

    private static Policy violated(List<PolicyState> states, long tokens) {
        PolicyState worst = states.getFirst();
        Duration worstWait = Duration.ZERO;
        for (PolicyState s : states) {
            Duration wait = s.policy().capacity() < tokens
                    ? Duration.ofNanos(Long.MAX_VALUE)
                    : PolicyState.timeToRefill(s.policy(), tokens - s.remaining());
            if (wait.compareTo(worstWait) > 0) {
                worst = s;
                worstWait = wait;
            }
        }
        return worst.policy();
    }

    /** A monotonic Bucket4j clock for local buckets. */
    static TimeMeter nanoTimeMeter(LongSupplier nanoTime) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoTime.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /** A wall-clock Bucket4j clock, as distributed buckets need: every node must agree on the time. */
    static TimeMeter wallClockMeter(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }
}
