package dev.herald.loadtest;

import com.eatthepath.pushy.apns.server.AcceptAllPushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.RejectionReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Pushy's {@link MockApnsServer} on 127.0.0.1 that accepts every notification (it does not check the provider
 * token: verifying an ES256 signature per request would load the shared cores) and counts what it accepted and
 * when the last one arrived. It runs on one I/O thread of its own, since it shares the machine with what it
 * measures. The TLS material is the APNs module's committed test certificates (see its {@code generate-certs.sh}),
 * found relative to the repository root, where {@code loadtest/bench} runs.
 */
final class CountingApnsServer implements AutoCloseable {
    private static final Path CERTIFICATES = Path.of("channels/apns/src/test/resources");

    private final EventLoopGroup group;
    private final MockApnsServer server;
    private final int port;
    private final Counter counter;

    private CountingApnsServer(EventLoopGroup group, MockApnsServer server, int port, Counter counter) {
        this.group = group;
        this.server = server;
        this.port = port;
        this.counter = counter;
    }

    /** Counts on the server's one I/O thread; read from any thread. */
    private static final class Counter implements MockApnsServerListener {
        private final AtomicLong accepted = new AtomicLong();
        private final AtomicLong rejected = new AtomicLong();
        private volatile long lastAcceptedNanos;

        @Override
        public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
            lastAcceptedNanos = System.nanoTime();
            accepted.incrementAndGet();
        }

        @Override
        public void handlePushNotificationRejected(Http2Headers headers, ByteBuf payload, RejectionReason reason,
                                                   @Nullable Instant deviceTokenExpiration) {
            rejected.incrementAndGet();
        }
    }

    static CountingApnsServer start() {
        if (!Files.isRegularFile(trustedCertificate())) {
            throw new IllegalStateException(trustedCertificate() + " not found: run from the repository root");
        }
        Counter counter = new Counter();
        EventLoopGroup group = newGroup();
        try {
            MockApnsServer server = new MockApnsServerBuilder()
                    .setEventLoopGroup(group)
                    .setServerCredentials(CERTIFICATES.resolve("server-cert.pem").toFile(),
                            CERTIFICATES.resolve("server-key-pkcs8.pem").toFile(), null)
                    .setHandlerFactory(new AcceptAllPushNotificationHandlerFactory())
                    .setListener(counter)
                    .build();
            int port = server.start(0).get(10, TimeUnit.SECONDS);
            return new CountingApnsServer(group, server, port, counter);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("mock APNs server did not start", e);
        }
    }

    @SuppressWarnings("deprecation") // Pushy 0.15.4 accepts only NioEventLoopGroup / EpollEventLoopGroup
    private static EventLoopGroup newGroup() {
        return new NioEventLoopGroup(1, new DefaultThreadFactory("mock-apns", true));
    }

    /** The CA that signed the server's certificate, for clients to trust. */
    static Path trustedCertificate() {
        return CERTIFICATES.resolve("ca.pem").toAbsolutePath().normalize();
    }

    int port() {
        return port;
    }

    /** Notifications accepted since the start. */
    long accepted() {
        return counter.accepted.get();
    }

    /** Notifications rejected since the start (none, unless a request is malformed). */
    long rejected() {
        return counter.rejected.get();
    }

    /** {@link System#nanoTime()} when the last notification was accepted. */
    long lastAcceptedNanos() {
        return counter.lastAcceptedNanos;
    }

    /** Waits until {@code count} notifications have been accepted in all, at most {@code limit}; whether they were. */
    boolean awaitAccepted(long count, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (accepted() < count) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        try {
            server.shutdown().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("mock APNs server did not stop", e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }
}
