package dev.herald.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Buckets shared by every node in Redis (Bucket4j's Lettuce CAS proxy manager, async, with request batching),
 * failing open to a local bucket of limit ÷ nodes whenever Redis is unreachable, slow or erroring.
 *
 * <p>Each decision asks Redis unless the {@link FailOpenGate} says a recent failure is still in its back-off
 * window. A Redis decision that does not complete within the request timeout, or fails, is replaced by the local
 * fallback's decision and counted. Nothing blocks: the stage completes on a Lettuce I/O thread or, on timeout,
 * on the JDK's delayed-completion thread.
 */
final class RedisRateLimiter<K> implements RateLimiter<K> {
    /** Client-side bucket proxies hold no token state, so they may go long before their Redis keys expire. */
    private static final Duration PROXY_IDLE_LIFETIME = Duration.ofMinutes(10);

    private final RedisConnector connector;
    private final LocalRateLimiter<K> fallback;
    private final FailOpenGate gate;
    private final Cache<K, RemoteBucket> remoteBuckets;
    private final String keyPrefix;
    private final int nodes;
    private final long requestTimeoutNanos;
    private volatile boolean closed;

    RedisRateLimiter(RedisLimiterOptions options, RedisConnector connector, LongSupplier nanoTime) {
        this.connector = connector;
        this.fallback = new LocalRateLimiter<>(nanoTime);
        this.gate = new FailOpenGate(nanoTime, options.backOff(), options.nodes());
        this.remoteBuckets = Caffeine.newBuilder()
                .ticker(nanoTime::getAsLong)
                .expireAfterAccess(PROXY_IDLE_LIFETIME)
                .build();
        this.keyPrefix = options.keyPrefix();
        this.nodes = options.nodes();
        this.requestTimeoutNanos = options.requestTimeout().toNanos();
    }

    @Override
    public CompletionStage<Permit> tryAcquire(K key, Limit limit, long tokens) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("rate limiter closed"));
        }
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(limit, "limit");
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be positive, was " + tokens);
        }
        if (!gate.askRedis()) {
            return CompletableFuture.completedFuture(decideLocally(key, limit, tokens));
        }
        return askRedis(key, limit, tokens)
                .orTimeout(requestTimeoutNanos, TimeUnit.NANOSECONDS)
                .handle((permit, failure) -> {
                    if (failure == null) {
                        gate.redisAnswered();
                        return permit;
                    }
                    gate.redisFailed(failure);
                    return decideLocally(key, limit, tokens);
                });
    }

    private CompletableFuture<Permit> askRedis(K key, Limit limit, long tokens) {
        try {
            return connector.buckets().thenCompose(buckets -> remoteBucket(key, limit, buckets).tryConsume(limit,
                    tokens));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private RemoteBucket remoteBucket(K key, Limit limit, AsyncProxyManager<String> buckets) {
        return remoteBuckets.get(key, k -> new RemoteBucket(buckets, keyPrefix + k, limit));
    }

    private Permit decideLocally(K key, Limit limit, long tokens) {
        gate.countFailOpen();
        return fallback.decide(key, limit.dividedBy(nodes), tokens);
    }

    @Override
    public RateLimiterStats stats() {
        return gate;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fallback.close();
            connector.close();
        }
    }

    /**
     * One key's client-side proxy, and the limit Redis is believed to hold for it. When the requested limit
     * differs (a plan change, or Redis still holding another node's older configuration), the stored configuration
     * is replaced in place first, proportionally (see {@code LocalRateLimiter}).
     */
    private static final class RemoteBucket {
        private final AsyncBucketProxy proxy;
        private volatile Limit stored;

        RemoteBucket(AsyncProxyManager<String> buckets, String redisKey, Limit limit) {
            this.stored = limit;
            // The supplier runs only when Redis has no such key: create it with the limit wanted now.
            this.proxy = buckets.builder()
                    .withOptimization(Optimizations.batching())
                    .build(redisKey, () -> CompletableFuture.completedFuture(Bucket4jMapping.configuration(stored)));
        }

        CompletableFuture<Permit> tryConsume(Limit wanted, long tokens) {
            CompletableFuture<?> ready = CompletableFuture.completedFuture(null);
            if (stored != wanted && !stored.equals(wanted)) {
                stored = wanted;
                ready = proxy.replaceConfiguration(Bucket4jMapping.configuration(wanted),
                        TokensInheritanceStrategy.PROPORTIONALLY);
            }
            return ready.thenCompose(ignored -> proxy.asVerbose().tryConsumeAndReturnRemaining(tokens))
                    .thenApply(result -> permit(result, wanted, tokens));
        }

        private Permit permit(VerboseResult<ConsumptionProbe> result, Limit wanted, long tokens) {
            Permit permit = Bucket4jMapping.permit(result, wanted, tokens);
            // Redis may hold another configuration (another node's, or an older one): replace it next time.
            if (!Bucket4jMapping.describes(result.getConfiguration(), wanted)) {
                stored = Bucket4jMapping.limit(result.getConfiguration());
            }
            return permit;
        }
    }
}
