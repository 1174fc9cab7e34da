package dev.herald.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

final class RetryPolicyTest {
    /** A "random" source that always answers the top of the range. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(1), HIGHEST);

    @Test
    void ceilingDoublesFromTheBaseUpToTheCap() {
        assertEquals(Duration.ofSeconds(1), policy.ceiling(1));
        assertEquals(Duration.ofSeconds(2), policy.ceiling(2));
        assertEquals(Duration.ofSeconds(512), policy.ceiling(10));
        assertEquals(Duration.ofHours(1), policy.ceiling(13));
        assertEquals(Duration.ofHours(1), policy.ceiling(1_000));
    }

    @Test
    void fullJitterStaysWithinTheCeiling() {
        var zero = new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(1), new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                return 0;
            }
        });
        assertEquals(Duration.ofMillis(100), zero.delay(5, Duration.ZERO), "never below a tenth of the base");
        assertEquals(Duration.ofSeconds(16), policy.delay(5, Duration.ZERO));
    }

    @Test
    void neverRetriesSoonerThanTheProviderAsked() {
        assertEquals(Duration.ofSeconds(30), policy.delay(1, Duration.ofSeconds(30)));
        assertEquals(Duration.ofSeconds(16), policy.delay(5, Duration.ofSeconds(3)));
    }
}
