package dev.herald.loadtest;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import dev.herald.testkit.ApnsPeer;
import dev.herald.testkit.TestCertificates;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The push benchmark's ceiling: a Pushy {@link ApnsClient} set up as Herald sets up its own (token authentication,
 * one connection, two NIO threads), sending prebuilt notifications to the testkit's {@link ApnsPeer} as fast as
 * {@code maxInFlight} outstanding notifications allow (a semaphore, as Pushy's best practices say). The
 * throughput is what the server accepted in the measured window.
 */
final class PushyCeiling implements AutoCloseable {
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);

    /** What one run measured: notifications the server accepted in the window, failures, round-trip latency. */
    record Result(long accepted, long failed, Duration elapsed, double p50Micros, double p99Micros) {
        double throughput() {
            return accepted / (elapsed.toNanos() / 1e9);
        }
    }

    private final ApnsPeer server;
    private final EventLoopGroup group;
    private final ApnsClient client;
    private final List<SimpleApnsPushNotification> notifications;
    private final int maxInFlight;

    @SuppressWarnings("deprecation") // Pushy 0.15.4 accepts only NioEventLoopGroup / EpollEventLoopGroup
    PushyCeiling(ApnsPeer server, ApnsSigningKey key, String topic, List<String> tokens, String payload,
                 int maxInFlight) throws Exception {
        this.server = server;
        this.maxInFlight = maxInFlight;
        this.group = new NioEventLoopGroup(2, new DefaultThreadFactory("raw-pushy", true));
        try {
            this.client = new ApnsClientBuilder()
                    .setApnsServer("127.0.0.1", server.port())
                    .setSigningKey(key)
                    .setTrustedServerCertificateChain(TestCertificates.ca().toFile())
                    .setEventLoopGroup(group)
                    .setConcurrentConnections(1)
                    .build();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        Instant expiry = Instant.now().plus(Duration.ofDays(1));
        this.notifications = tokens.stream()
                .map(t -> new SimpleApnsPushNotification(t, topic, payload, expiry))
                .toList();
    }

    /**
     * Sends for {@code warmup} (not counted), then for {@code measure} or until {@code maxNotifications} were sent
     * in the window; returns once every notification sent has been answered (at most 30 s later).
     */
    Result run(Duration warmup, Duration measure, long maxNotifications) throws InterruptedException {
        var permits = new Semaphore(maxInFlight);
        var recorder = new Recorder(3);
        var failed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long stopAt = measureFrom + measure.toNanos();
        long acceptedAtStart = -1;
        long windowStart = 0;
        long sentInWindow = 0;
        int next = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= stopAt || sentInWindow >= maxNotifications) {
                break;
            }
            if (acceptedAtStart < 0 && now >= measureFrom) {
                windowStart = now;
                acceptedAtStart = server.accepted();
            }
            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue; // the loop re-checks the time
            }
            long sentAt = System.nanoTime();
            boolean measured = acceptedAtStart >= 0;
            if (measured) {
                sentInWindow++;
            }
            client.sendNotification(notifications.get(next)).whenComplete((response, cause) -> {
                permits.release();
                if (!measured) {
                    return;
                }
                if (response == null || !response.isAccepted()) {
                    failed.incrementAndGet();
                } else {
                    recorder.recordValue(Math.max(1, (System.nanoTime() - sentAt) / 1_000));
                }
            });
            next = (next + 1) % notifications.size();
        }
        long windowEnd = System.nanoTime();
        long accepted = server.accepted() - Math.max(0, acceptedAtStart);
        if (!permits.tryAcquire(maxInFlight, SETTLE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("raw Pushy: notifications unanswered " + SETTLE_LIMIT + " after the run");
        }
        var h = recorder.getIntervalHistogram();
        return new Result(accepted, failed.get(), Duration.ofNanos(windowEnd - windowStart),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99));
    }

    @Override
    public void close() throws Exception {
        try {
            client.close().get(10, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }
}
