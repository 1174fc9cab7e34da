package dev.herald.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.Eventually;
import dev.herald.testkit.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis-backed limiter against a real {@code redis-server} child process (see {@link RedisServerProcess}).
 * Shared buckets are timed by a fixed wall clock, so nothing refills during a test; the fallback, back-off and
 * log throttling by a fake nanosecond clock. Request timeouts are generous except where slowness is the point, so
 * a busy build machine cannot turn a Redis answer into a fail-open.
 */
final class RedisRateLimiterTest {
    private static final Limit TEN_PER_HOUR = Limit.of(Policy.perHour("hourly", 10));
    private static final Duration BACK_OFF = Duration.ofSeconds(1);
    private static final Duration PATIENT = Duration.ofSeconds(2);

    private final FakeNanoTime time = new FakeNanoTime();
    private final Clock wallClock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private final List<RateLimiter<?>> limiters = new ArrayList<>();
    private RedisServerProcess redis; // null only when the test was skipped before it started
    private @Nullable RedisClient inspectorClient;
    private @Nullable StatefulRedisConnection<String, String> inspectorConnection;

    /** A record whose {@code toString()} differs from its id, to show how Redis keys are named. */
    private record Workspace(String id) {
        @Override
        public String toString() {
            return "ws-" + id;
        }
    }

    @BeforeEach
    void startRedis() throws IOException {
        redis = RedisServerProcess.start();
    }

    @AfterEach
    void stopEverything() {
        limiters.forEach(RateLimiter::close);
        if (inspectorConnection != null) {
            inspectorConnection.close();
        }
        if (inspectorClient != null) {
            inspectorClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (redis != null) {
            redis.close();
        }
    }

    private <K> RateLimiter<K> limiter(int nodes, Duration requestTimeout) {
        var options = new RedisLimiterOptions(redis.uri(), "test:", nodes, requestTimeout, 100, BACK_OFF);
        RateLimiter<K> limiter = RateLimiters.redis(options, wallClock, time);
        limiters.add(limiter);
        return limiter;
    }

    private RedisCommands<String, String> inspector() {
        if (inspectorConnection == null) {
            inspectorClient = RedisClient.create(redis.uri().toString());
            inspectorConnection = inspectorClient.connect();
        }
        return inspectorConnection.sync();
    }

    private static <K> Permit acquire(RateLimiter<K> limiter, K key) {
        return limiter.tryAcquire(key, TEN_PER_HOUR).toCompletableFuture().join();
    }

    private static <K> int granted(RateLimiter<K> limiter, K key, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (acquire(limiter, key) instanceof Permit.Granted) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void twoGatewaysShareOneLimitThroughRedis() {
        RateLimiter<String> first = limiter(2, PATIENT);
        RateLimiter<String> second = limiter(2, PATIENT);
        List<CompletableFuture<Permit>> decisions = new ArrayList<>();

        for (int i = 0; i < 20; i++) {
            decisions.add(first.tryAcquire("acme", TEN_PER_HOUR).toCompletableFuture());
            decisions.add(second.tryAcquire("acme", TEN_PER_HOUR).toCompletableFuture());
        }

        long granted = decisions.stream().map(CompletableFuture::join).filter(Permit.Granted.class::isInstance)
                .count();
        assertEquals(10, granted);
        assertEquals(0, first.stats().failOpenCount() + second.stats().failOpenCount());
        var denied = assertInstanceOf(Permit.Denied.class, acquire(second, "acme"));
        assertEquals(Duration.ofMinutes(6), denied.retryAfter());
    }

    @Test
    void namesRedisKeysWithThePrefixAndTheKeysToStringAndLetsThemExpire() {
        RateLimiter<Workspace> limiter = limiter(1, PATIENT);

        var granted = assertInstanceOf(Permit.Granted.class, acquire(limiter, new Workspace("acme")));

        assertEquals(9, granted.states().getFirst().remaining());
        long ttlMillis = inspector().pttl("test:ws-acme");
        // time to refill the one token spent (6 min) plus the 10 s kept after a full refill
        assertEquals(Duration.ofMinutes(6).plus(RedisConnector.KEEP_AFTER_REFILL).toMillis(), ttlMillis, 1000);
    }

    @Test
    void failsOpenToTheLocalShareOfTheLimitWhenRedisDies() {
        RateLimiter<String> limiter = limiter(2, PATIENT);
        assertEquals(3, granted(limiter, "acme", 3));

        redis.kill();

        assertEquals(5, granted(limiter, "acme", 10), "limit 10 ÷ 2 nodes, decided locally");
        assertEquals(10, limiter.stats().failOpenCount());
        assertTrue(limiter.stats().degraded());
    }

    @Test
    void goesBackToRedisOnceItIsRestartedOnTheSamePort() throws IOException {
        RateLimiter<String> limiter = limiter(2, PATIENT);
        granted(limiter, "acme", 3);
        redis.kill();
        granted(limiter, "acme", 4);
        long failOpensWhileDown = limiter.stats().failOpenCount();

        redis.restart();
        probeUntilRedisAnswers(limiter);

        long failOpens = limiter.stats().failOpenCount();
        assertTrue(failOpens >= failOpensWhileDown);
        // the restarted Redis started a new, full bucket; the successful probe spent one token of it
        assertEquals(9, granted(limiter, "acme", 10));
        assertEquals(failOpens, limiter.stats().failOpenCount());
        assertEquals(1, inspector().exists("test:acme"));
    }

    @Test
    void startsDegradedWhenRedisIsDownAndConnectsWhenItComesUp() throws IOException {
        redis.kill();
        RateLimiter<String> limiter = limiter(2, PATIENT);

        assertEquals(5, granted(limiter, "acme", 6));
        assertTrue(limiter.stats().degraded());

        redis.restart();
        probeUntilRedisAnswers(limiter);

        assertEquals(1, inspector().exists("test:acme"));
    }

    /**
     * Moves the fake clock one back-off window at a time so the limiter probes Redis, and waits in real time for
     * Lettuce to reconnect (it retries at least once a second).
     */
    private void probeUntilRedisAnswers(RateLimiter<String> limiter) {
        Eventually.until(Duration.ofSeconds(20), "the limiter goes back to Redis", () -> {
            if (!limiter.stats().degraded()) {
                return true;
            }
            time.advance(BACK_OFF);
            acquire(limiter, "acme");
            return false;
        });
    }

    @Test
    void failsOpenWithinTheRequestTimeoutWhenRedisIsSlow() {
        RateLimiter<String> limiter = limiter(2, Duration.ofMillis(100));
        granted(limiter, "warm-up", 1);
        inspector().clientPause(3000);

        long started = System.nanoTime();
        var permit = limiter.tryAcquire("acme", TEN_PER_HOUR).toCompletableFuture().join();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertInstanceOf(Permit.Granted.class, permit);
        assertEquals(5, ((Permit.Granted) permit).states().getFirst().policy().capacity(), "decided locally");
        assertEquals(1, limiter.stats().failOpenCount());
        assertTrue(tookMillis < 2000, "answered after " + tookMillis + " ms, not after the 3 s pause");
    }

    @Test
    void failsOpenWhenRedisAnswersWithAnError() {
        RateLimiter<String> limiter = limiter(2, PATIENT);
        inspector().lpush("test:acme", "not a bucket");

        var permit = assertInstanceOf(Permit.Granted.class, acquire(limiter, "acme"));

        assertEquals(new PolicyState(Policy.perHour("hourly", 5), 4, Duration.ofMinutes(12)),
                permit.states().getFirst());
        assertEquals(1, limiter.stats().failOpenCount());
    }

    @Test
    void reconfiguresTheSharedBucketInPlaceKeepingTheShareSpent() {
        RateLimiter<String> limiter = limiter(1, PATIENT);
        granted(limiter, "acme", 6);

        Limit doubled = Limit.of(Policy.perHour("hourly", 20));
        var permit = limiter.tryAcquire("acme", doubled).toCompletableFuture().join();

        var granted = assertInstanceOf(Permit.Granted.class, permit);
        assertEquals(new PolicyState(Policy.perHour("hourly", 20), 7, Duration.ofMinutes(39)),
                granted.states().getFirst());
        assertEquals(0, limiter.stats().failOpenCount());
    }
}
