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
import java.util.concurrent.TimeUnit;

/**
 * The push benchmark's ceiling: a Pushy {@link ApnsClient} set up as Herald sets up its own (token authentication,
 * one connection, two NIO threads), sending prebuilt notifications to the testkit's {@link ApnsPeer} as fast as
 * {@code maxInFlight} outstanding notifications allow (a semaphore, as Pushy's best practices say). The
 * throughput is what the server accepted in the measured window.
 */
final class PushyCeiling implements AutoCloseable {
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
    CeilingLoop.Result run(Duration warmup, Duration measure, long maxNotifications) throws InterruptedException {
        DeliverySink sink = DeliverySink.of(server::accepted, server::lastAcceptedNanos);
        return CeilingLoop.run("raw Pushy", sink, maxInFlight, i -> client
                .sendNotification(notifications.get(i % notifications.size()))
                .thenApply(response -> response.isAccepted()), warmup, measure, maxNotifications);
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
