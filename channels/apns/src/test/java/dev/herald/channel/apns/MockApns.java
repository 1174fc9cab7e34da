package dev.herald.channel.apns;

import com.eatthepath.json.JsonParser;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import dev.herald.config.ApnsConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Pushy's {@link MockApnsServer} (real HTTP/2 over TLS) on an ephemeral port, recording every request before its
 * handler answers. Pushy 0.15.4's {@code start(port)} binds the wildcard address; clients connect to 127.0.0.1.
 */
final class MockApns implements AutoCloseable {
    private final EventLoopGroup group;
    private final MockApnsServer server;
    private final int port;
    private final ConcurrentLinkedQueue<Received> received;

    private MockApns(EventLoopGroup group, MockApnsServer server, int port, ConcurrentLinkedQueue<Received> received) {
        this.group = group;
        this.server = server;
        this.port = port;
        this.received = received;
    }

    /** A server answering with {@code handlers}, trusting client certificates signed by the test CA. */
    static MockApns start(PushNotificationHandlerFactory handlers) {
        return start(handlers, TestCredentials.resource("ca.pem"));
    }

    /** A server answering with {@code handlers}, trusting client certificates signed by {@code trustedClientCa}. */
    static MockApns start(PushNotificationHandlerFactory handlers, Path trustedClientCa) {
        var received = new ConcurrentLinkedQueue<Received>();
        PushNotificationHandlerFactory recording = session -> {
            PushNotificationHandler inner = handlers.buildHandler(session);
            return (headers, payload) -> {
                received.add(Received.of(headers, payload.toString(StandardCharsets.UTF_8)));
                inner.handlePushNotification(headers, payload);
            };
        };
        // Its own group, shut down without Netty's default two-second quiet period (Pushy's would keep it).
        EventLoopGroup group = newGroup();
        try {
            MockApnsServer server = new MockApnsServerBuilder()
                    .setEventLoopGroup(group)
                    .setServerCredentials(TestCredentials.resource("server-cert.pem").toFile(),
                            TestCredentials.resource("server-key-pkcs8.pem").toFile(), null)
                    .setTrustedClientCertificateChain(trustedClientCa.toFile())
                    .setHandlerFactory(recording)
                    .build();
            int port = server.start(0).get(10, TimeUnit.SECONDS);
            return new MockApns(group, server, port, received);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("mock APNs server did not start", e);
        }
    }

    /** {@code 127.0.0.1:port}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** A development config for {@code topic} pointing at this server and trusting the test CA. */
    ApnsConfig config(String topic, ApnsConfig.Auth auth) {
        return new ApnsConfig(topic, ApnsConfig.Environment.DEVELOPMENT, auth, Optional.of(address()),
                Optional.of(TestCredentials.resource("ca.pem")));
    }

    /** Everything received so far, in arrival order. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /** The only request received. */
    Received single() {
        List<Received> all = received();
        if (all.size() != 1) {
            throw new AssertionError("expected one request, got " + all.size());
        }
        return all.get(0);
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

    @SuppressWarnings("deprecation") // Pushy 0.15.4 accepts only NioEventLoopGroup / EpollEventLoopGroup
    private static EventLoopGroup newGroup() {
        return new NioEventLoopGroup(1, new DefaultThreadFactory("mock-apns", true));
    }

    /** One request as the server saw it. */
    record Received(Map<String, String> headers, String payload) {
        static Received of(Http2Headers headers, String payload) {
            Map<String, String> copy = new LinkedHashMap<>();
            headers.forEach(h -> copy.put(h.getKey().toString(), h.getValue().toString()));
            return new Received(Map.copyOf(copy), payload);
        }

        String header(String name) {
            return headers.get(name);
        }

        /** The device token from {@code :path} ({@code /3/device/<token>}). */
        String token() {
            String path = headers.get(":path");
            return path.substring(path.lastIndexOf('/') + 1);
        }

        Map<String, Object> json() {
            try {
                return new JsonParser().parseJsonObject(payload);
            } catch (ParseException e) {
                throw new AssertionError("payload is not JSON: " + payload, e);
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> aps() {
            return (Map<String, Object>) json().get("aps");
        }
    }
}
