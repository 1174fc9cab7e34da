package dev.herald.ratelimit;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Lettuce connection to Redis on Lettuce's own event loops, and Bucket4j's async CAS proxy manager on it.
 *
 * <p>Once connected, Lettuce reconnects by itself (every ≤ 1 s) and rejects commands while disconnected, so a
 * dead Redis fails fast instead of queueing. If the very first connection fails, a new attempt starts on the
 * next request that asks for the proxy manager — which the {@link FailOpenGate} lets through at most once per
 * back-off window.
 */
final class RedisConnector implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Commands stuck on a half-open connection are failed by Lettuce after this, freeing its queue. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** How long a Redis key outlives the moment its bucket is full again (saves re-creating busy keys). */
    static final Duration KEEP_AFTER_REFILL = Duration.ofSeconds(10);
    private static final int REQUEST_QUEUE_SIZE = 65_536;
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final RedisLimiterOptions options;
    private final Clock clock;
    private final AtomicReference<CompletableFuture<Connected>> current = new AtomicReference<>();

    /** A live connection and the proxy manager on it. */
    private record Connected(StatefulRedisConnection<String, byte[]> connection, AsyncProxyManager<String> buckets) {
    }

    RedisConnector(RedisLimiterOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.uri = RedisURI.create(options.uri());
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        current.set(connect());
    }

    /**
     * Waits up to the connect timeout for the first connection, so a node that starts next to a healthy Redis
     * shares limits from its first request. A failure is left for the first request to report.
     */
    void awaitFirstConnection() {
        try {
            current.get().get(CONNECT_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // reported through the fail-open path on the first request
        }
    }

    /** The proxy manager once connected; starts a new connection attempt if the last one failed. */
    CompletableFuture<AsyncProxyManager<String>> buckets() {
        CompletableFuture<Connected> attempt = current.get();
        if (attempt.isCompletedExceptionally()) {
            CompletableFuture<Connected> next = connect();
            attempt = current.compareAndSet(attempt, next) ? next : current.get();
        }
        return attempt.thenApply(Connected::buckets);
    }

    private CompletableFuture<Connected> connect() {
        return client.connectAsync(CODEC, uri).toCompletableFuture().thenApply(this::connected);
    }

    private Connected connected(StatefulRedisConnection<String, byte[]> connection) {
        AsyncProxyManager<String> buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .clientClock(Bucket4jMapping.wallClockMeter(clock))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        KEEP_AFTER_REFILL))
                .requestTimeout(options.requestTimeout())
                .maxRetries(options.maxCasAttempts())
                .build()
                .asAsync();
        return new Connected(connection, buckets);
    }

    @Override
    public void close() {
        CompletableFuture<Connected> attempt = current.get();
        if (attempt.isDone() && !attempt.isCompletedExceptionally()) {
            attempt.join().connection().close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
