package dev.herald.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class LocalRateLimiterTest {
    private static final Policy HOURLY = Policy.perHour("hourly", 1000);
    private static final Policy BURST = Policy.perSecond("burst", 5);
    private static final Limit HOURLY_AND_BURST = Limit.of(HOURLY, BURST);

    private final FakeNanoTime time = new FakeNanoTime();
    private final LocalRateLimiter<String> limiter = new LocalRateLimiter<>(time);

    @AfterEach
    void close() {
        limiter.close();
    }

    private Permit acquire(String key, Limit limit, long tokens) {
        return limiter.tryAcquire(key, limit, tokens).toCompletableFuture().join();
    }

    private Permit acquire(Limit limit) {
        return acquire("acme", limit, 1);
    }

    @Test
    void grantsAndReportsEachPolicysRemainingTokensAndResetTime() {
        var granted = assertInstanceOf(Permit.Granted.class, acquire(HOURLY_AND_BURST));

        assertEquals(List.of(new PolicyState(HOURLY, 999, Duration.ofMillis(3600)),
                new PolicyState(BURST, 4, Duration.ofMillis(200))), granted.states());
        assertEquals(BURST, granted.closestToExhaustion().policy());
    }

    @Test
    void deniesWithTheBurstPolicyAndItsRefillWaitOnceTheBurstIsSpent() {
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(Permit.Granted.class, acquire(HOURLY_AND_BURST));
        }

        var denied = assertInstanceOf(Permit.Denied.class, acquire(HOURLY_AND_BURST));

        assertEquals(BURST, denied.violated());
        assertEquals(Duration.ofMillis(200), denied.retryAfter());
        assertEquals(1, denied.retryAfterSeconds());
        assertEquals(List.of(new PolicyState(HOURLY, 995, Duration.ofSeconds(18)),
                new PolicyState(BURST, 0, Duration.ofSeconds(1))), denied.states());
    }

    @Test
    void refillsTheBurstGreedilyAsTheClockMoves() {
        acquire("acme", HOURLY_AND_BURST, 5);

        time.advance(Duration.ofMillis(199));
        assertInstanceOf(Permit.Denied.class, acquire(HOURLY_AND_BURST));
        time.advance(Duration.ofMillis(1));
        var granted = assertInstanceOf(Permit.Granted.class, acquire(HOURLY_AND_BURST));
        assertEquals(0, granted.states().get(1).remaining());

        time.advance(Duration.ofSeconds(1));
        var full = assertInstanceOf(Permit.Granted.class, acquire(HOURLY_AND_BURST));
        assertEquals(new PolicyState(BURST, 4, Duration.ofMillis(200)), full.states().get(1));
    }

    @Test
    void deniesOnTheHourlyQuotaAcrossBurstWindowsUntilItRefills() {
        Policy hourly = Policy.perHour("hourly", 4);
        Limit limit = Limit.of(hourly, BURST);
        for (int i = 0; i < 4; i++) {
            time.advance(Duration.ofSeconds(1));
            assertInstanceOf(Permit.Granted.class, acquire(limit));
        }

        time.advance(Duration.ofSeconds(2));
        var denied = assertInstanceOf(Permit.Denied.class, acquire(limit));
        // 4/h refills one token every 900 s; the first was spent 5 s ago.
        assertEquals(hourly, denied.violated());
        assertEquals(Duration.ofSeconds(895), denied.retryAfter());
        assertEquals(hourly, denied.closestToExhaustion().policy());

        time.advance(Duration.ofSeconds(894));
        assertInstanceOf(Permit.Denied.class, acquire(limit));
        time.advance(Duration.ofSeconds(1));
        assertInstanceOf(Permit.Granted.class, acquire(limit));
    }

    @Test
    void deniesARequestLargerThanAPolicysCapacityWithoutSpendingAnything() {
        var denied = assertInstanceOf(Permit.Denied.class, acquire("acme", HOURLY_AND_BURST, 6));

        assertEquals(BURST, denied.violated());
        assertTrue(denied.retryAfter().compareTo(Duration.ofDays(365)) > 0);
        assertEquals(List.of(1000L, 5L), denied.states().stream().map(PolicyState::remaining).toList());
    }

    @Test
    void keepsEachKeysBucketSeparate() {
        acquire("acme", HOURLY_AND_BURST, 5);

        var other = assertInstanceOf(Permit.Granted.class, acquire("globex", HOURLY_AND_BURST, 1));

        assertEquals(4, other.states().get(1).remaining());
    }

    @Test
    void reconfiguringALiveKeyKeepsTheShareAlreadySpent() {
        acquire("acme", Limit.of(HOURLY), 600);

        var granted = assertInstanceOf(Permit.Granted.class,
                acquire("acme", Limit.of(Policy.perHour("hourly", 2000)), 1));

        // 400 of 1000 left became 800 of 2000 (PROPORTIONALLY), then one spent.
        assertEquals(new PolicyState(Policy.perHour("hourly", 2000), 799, Duration.ofMillis(2_161_800)),
                granted.states().getFirst());
    }

    @Test
    void keepsADrainedIdleBucketForAtLeastItsLongestPeriod() {
        Limit limit = Limit.of(Policy.perHour("hourly", 10), Policy.perSecond("burst", 5));
        acquire("acme", limit, 5);

        time.advance(Duration.ofHours(1));
        limiter.cleanUp();

        assertEquals(1, limiter.bucketCount());
    }

    @Test
    void keepsAHalfRefilledBucketThroughCacheMaintenance() {
        Limit limit = Limit.of(Policy.perHour("hourly", 10));
        acquire("acme", limit, 10);

        time.advance(Duration.ofMinutes(30));
        limiter.cleanUp();

        assertEquals(1, limiter.bucketCount());
        var granted = assertInstanceOf(Permit.Granted.class, acquire(limit));
        assertEquals(4, granted.states().getFirst().remaining());
    }

    @Test
    void evictsAnIdleBucketOnlyOnceItIsFullAgainSoANewBucketIsEquivalent() {
        Limit limit = Limit.of(Policy.perHour("hourly", 10));
        acquire("acme", limit, 10);

        time.advance(Duration.ofHours(1).plus(LocalRateLimiter.EXPIRY_GRACE).plusNanos(1));
        limiter.cleanUp();

        assertEquals(0, limiter.bucketCount());
        var granted = assertInstanceOf(Permit.Granted.class, acquire(limit));
        assertEquals(9, granted.states().getFirst().remaining());
    }

    @Test
    void concurrentConsumersNeverGetMoreThanTheCapacity() throws Exception {
        Limit limit = Limit.of(Policy.perHour("hourly", 1000));
        int threads = 8;
        int attemptsEach = 500;
        var start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int granted = 0;
                    for (int i = 0; i < attemptsEach; i++) {
                        if (acquire("acme", limit, 1) instanceof Permit.Granted) {
                            granted++;
                        }
                    }
                    return granted;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get();
            }
            assertEquals(1000, total);
        }
    }

    @Test
    void failsTheStageAfterClose() {
        limiter.close();

        var failure = assertThrows(CompletionException.class,
                () -> limiter.tryAcquire("acme", HOURLY_AND_BURST, 1).toCompletableFuture().join());

        assertInstanceOf(IllegalStateException.class, failure.getCause());
    }

    @Test
    void rejectsANonPositiveTokenCount() {
        var e = assertThrows(IllegalArgumentException.class, () -> limiter.tryAcquire("acme", HOURLY_AND_BURST, 0));

        assertEquals("tokens must be positive, was 0", e.getMessage());
    }
}
