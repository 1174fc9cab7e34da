package dev.herald.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * Bucket4j local (lock-free) buckets, one per key, held in a Caffeine cache.
 *
 * <p>A key's entry expires after it has been idle for longer than its limit's longest refill period: a greedy
 * bucket left alone that long is full again, so dropping it and later creating a new (full) one changes nothing,
 * while a drained bucket is never dropped before it would have refilled. There is deliberately no size bound,
 * because evicting a drained bucket early would hand its key a fresh quota.
 *
 * <p>One nanosecond source drives both Bucket4j's refill and Caffeine's expiry, so tests move a single fake clock.
 */
final class LocalRateLimiter<K> implements RateLimiter<K> {
    /** Idle time beyond the longest period before an entry may go: makes "longer than the period" strict. */
    static final Duration EXPIRY_GRACE = Duration.ofSeconds(1);

    private final TimeMeter timeMeter;
    private final Cache<K, KeyedBucket> buckets;
    private volatile boolean closed;

    LocalRateLimiter(LongSupplier nanoTime) {
        Objects.requireNonNull(nanoTime, "nanoTime");
        this.timeMeter = Bucket4jMapping.nanoTimeMeter(nanoTime);
        this.buckets = Caffeine.newBuilder()
                .ticker(nanoTime::getAsLong)
                .expireAfter(Expiry.accessing((K key, KeyedBucket entry) -> entry.idleLifetime()))
                .build();
    }

    @Override
    public CompletionStage<Permit> tryAcquire(K key, Limit limit, long tokens) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("rate limiter closed"));
        }
        return CompletableFuture.completedFuture(decide(key, limit, tokens));
    }

    /** The decision, synchronously (also the Redis limiter's fallback path). */
    Permit decide(K key, Limit limit, long tokens) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(limit, "limit");
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be positive, was " + tokens);
        }
        KeyedBucket entry = buckets.get(key, k -> new KeyedBucket(newBucket(limit), limit));
        entry.reconfigureIfChanged(limit);
        return Bucket4jMapping.permit(entry.bucket.asVerbose().tryConsumeAndReturnRemaining(tokens), limit, tokens);
    }

    private LocalBucket newBucket(Limit limit) {
        LocalBucketBuilder builder = Bucket.builder().withCustomTimePrecision(timeMeter);
        for (Bandwidth b : Bucket4jMapping.configuration(limit).getBandwidths()) {
            builder.addLimit(b);
        }
        return builder.build();
    }

    @Override
    public RateLimiterStats stats() {
        return RateLimiterStats.NONE;
    }

    /** Runs Caffeine's pending maintenance (expiry) now; for tests. */
    void cleanUp() {
        buckets.cleanUp();
    }

    /** How many keys hold a bucket (after {@link #cleanUp()}, exactly); for tests. */
    long bucketCount() {
        return buckets.estimatedSize();
    }

    @Override
    public void close() {
        closed = true;
        buckets.invalidateAll();
    }

    /** A bucket and the limit it is configured for. */
    private static final class KeyedBucket {
        final LocalBucket bucket;
        private volatile Limit limit;
        private volatile Duration idleLifetime;

        KeyedBucket(LocalBucket bucket, Limit limit) {
            this.bucket = bucket;
            this.limit = limit;
            this.idleLifetime = idleLifetime(limit);
        }

        private static Duration idleLifetime(Limit limit) {
            return limit.longestPeriod().plus(EXPIRY_GRACE);
        }

        Duration idleLifetime() {
            return idleLifetime;
        }

        /**
         * Replaces the configuration in place when the limit changed. PROPORTIONALLY keeps the share of each
         * policy already spent (60% left stays 60% left), so with an unchanged period the time until full is
         * unchanged, an upgrade is felt at once and a downgrade does not leave more tokens than the new
         * capacity; AS_IS would keep the absolute count, leaving an upgraded workspace nearly empty.
         */
        void reconfigureIfChanged(Limit wanted) {
            if (limit == wanted || limit.equals(wanted)) {
                return;
            }
            synchronized (this) {
                if (!limit.equals(wanted)) {
                    bucket.replaceConfiguration(Bucket4jMapping.configuration(wanted),
                            TokensInheritanceStrategy.PROPORTIONALLY);
                    idleLifetime = idleLifetime(wanted);
                    limit = wanted;
                }
            }
        }
    }
}
