package dev.herald.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.herald.config.RateLimitConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class RateLimitersTest {

    @Test
    void buildsLocalBucketsForTheLocalBackend() {
        try (RateLimiter<String> limiter = RateLimiters.create(RateLimitConfig.defaults(), Clock.systemUTC(),
                new FakeNanoTime())) {
            assertInstanceOf(LocalRateLimiter.class, limiter);
            assertSame(RateLimiterStats.NONE, limiter.stats());
        }
    }

    @Test
    void takesTheRedisUriNodesAndTimeoutFromTheConfig() {
        var config = new RateLimitConfig(RateLimitConfig.Backend.REDIS, Optional.of(URI.create("redis://cache:6379")),
                3, Duration.ofMillis(15));

        var options = RedisLimiterOptions.from(config);

        assertEquals(new RedisLimiterOptions(URI.create("redis://cache:6379"), "herald:ratelimit:", 3,
                Duration.ofMillis(15), 5, Duration.ofSeconds(1)), options);
    }

    @Test
    void rejectsANonRedisUri() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> RedisLimiterOptions.of(URI.create("http://cache:6379"), 1));

        assertEquals("uri must use redis:// or rediss://, was http:", e.getMessage());
    }
}
