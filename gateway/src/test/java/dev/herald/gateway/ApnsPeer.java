package dev.herald.gateway;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Pushy's {@link MockApnsServer} on an ephemeral port answering as APNs would: every request's JWT is checked by
 * {@link ValidatingPushNotificationHandlerFactory} against the signing team's public key and the topics that key
 * may use; a device token is accepted only for the topic it was {@linkplain #register registered} for; an
 * {@linkplain #unregister unregistered} token gets 410 with its time; a token that is not 64 hex digits gets
 * BadDeviceToken. While {@linkplain #down(boolean) down} every request gets 503 ServiceUnavailable. The TLS
 * material is the APNs module's committed test certificates (see its {@code generate-certs.sh}).
 */
final class ApnsPeer implements AutoCloseable {
    /** The APNs module's test certificates, from the gateway module directory (Surefire's working directory). */
    static final Path CERTIFICATES = Path.of("../channels/apns/src/test/resources").toAbsolutePath().normalize();

    /** A team's .p8 signing key and the topics Apple lets it send to. */
    record Team(String teamId, String keyId, KeyPair keys, Set<String> topics) {
        /** A team with a fresh EC P-256 key, the kind Apple issues. */
        static Team of(String teamId, String keyId, String... topics) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return new Team(teamId, keyId, generator.generateKeyPair(), Set.of(topics));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Writes the private key as the PKCS#8 PEM file Apple hands out; returns its path. */
        Path writeKey(Path dir) throws IOException {
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            return Files.writeString(dir.resolve("AuthKey_" + keyId + ".p8"), pem);
        }

        ApnsVerificationKey verificationKey() {
            try {
                return new ApnsVerificationKey(keyId, teamId, (ECPublicKey) keys.getPublic());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One request as the server saw it, and whether it was accepted. */
    record Received(String token, String topic, String apnsId, String authorization, String payload,
                    boolean accepted) {
        /** The {@code kid} of the provider token (JWT) the request carried: which .p8 key signed it. */
        String keyId() {
            String jwt = authorization.replaceFirst("(?i)^bearer ", "");
            String header = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                    StandardCharsets.UTF_8);
            return header.replaceAll("(?s).*\"kid\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        }
    }

    private final EventLoopGroup group;
    private final MockApnsServer server;
    private final int port;
    private final Map<String, Set<String>> devicesByTopic;
    private final Map<String, Instant> unregistered;
    private final List<Received> received;
    private final Flag down;

    private ApnsPeer(EventLoopGroup group, MockApnsServer server, int port, Map<String, Set<String>> devicesByTopic,
                     Map<String, Instant> unregistered, List<Received> received, Flag down) {
        this.group = group;
        this.server = server;
        this.port = port;
        this.devicesByTopic = devicesByTopic;
        this.unregistered = unregistered;
        this.received = received;
        this.down = down;
    }

    /** A mutable switch the handlers read. */
    private static final class Flag {
        volatile boolean on;
    }

    /** Starts a server that knows these teams' keys. */
    static ApnsPeer start(Team... teams) {
        Map<String, Set<String>> devicesByTopic = new ConcurrentHashMap<>();
        Map<String, Instant> unregistered = new ConcurrentHashMap<>();
        Map<String, ApnsVerificationKey> keysById = new HashMap<>();
        Map<ApnsVerificationKey, Set<String>> topicsByKey = new HashMap<>();
        for (Team team : teams) {
            ApnsVerificationKey key = team.verificationKey();
            keysById.put(team.keyId(), key);
            topicsByKey.put(key, team.topics());
        }
        // Pushy keeps these maps by reference, so devices registered later are seen by every handler.
        var validating = new ValidatingPushNotificationHandlerFactory(devicesByTopic, unregistered, keysById,
                topicsByKey);
        List<Received> received = new CopyOnWriteArrayList<>();
        Flag down = new Flag();
        PushNotificationHandlerFactory recording = session -> {
            PushNotificationHandler apns = validating.buildHandler(session);
            return (headers, payload) -> {
                String body = payload.toString(StandardCharsets.UTF_8);
                try {
                    if (down.on) {
                        throw new RejectedNotificationException(RejectionReason.SERVICE_UNAVAILABLE);
                    }
                    apns.handlePushNotification(headers, payload);
                } catch (RejectedNotificationException | RuntimeException e) {
                    received.add(received(headers, body, false));
                    throw e;
                }
                received.add(received(headers, body, true));
            };
        };
        EventLoopGroup group = newGroup();
        try {
            MockApnsServer server = new MockApnsServerBuilder()
                    .setEventLoopGroup(group)
                    .setServerCredentials(CERTIFICATES.resolve("server-cert.pem").toFile(),
                            CERTIFICATES.resolve("server-key-pkcs8.pem").toFile(), null)
                    .setHandlerFactory(recording)
                    .build();
            int port = server.start(0).get(10, TimeUnit.SECONDS);
            return new ApnsPeer(group, server, port, devicesByTopic, unregistered, received, down);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("mock APNs server did not start", e);
        }
    }

    private static Received received(Http2Headers headers, String payload, boolean accepted) {
        String path = String.valueOf(headers.path());
        return new Received(path.substring(path.lastIndexOf('/') + 1), String.valueOf(headers.get("apns-topic")),
                String.valueOf(headers.get("apns-id")), String.valueOf(headers.get("authorization")), payload,
                accepted);
    }

    @SuppressWarnings("deprecation") // Pushy 0.15.4 accepts only NioEventLoopGroup / EpollEventLoopGroup
    private static EventLoopGroup newGroup() {
        return new NioEventLoopGroup(1, new DefaultThreadFactory("mock-apns", true));
    }

    /** The {@code apns} config block of an app of {@code team} sending to {@code topic} through this server. */
    String appConfig(Team team, Path signingKey, String topic) {
        return "{ team_id: " + team.teamId() + ", key_id: " + team.keyId() + ", signing_key: \"${file:" + signingKey
                + "}\", topic: " + topic + ", environment: development, server: \"127.0.0.1:" + port
                + "\", trusted_certificate: \"" + CERTIFICATES.resolve("ca.pem") + "\" }";
    }

    /** APNs knows {@code token} as a device of the app {@code topic}. */
    ApnsPeer register(String topic, String token) {
        devicesByTopic.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(token);
        return this;
    }

    /** The device uninstalled the app at {@code since}: APNs answers 410 Unregistered with that time. */
    ApnsPeer unregister(String token, Instant since) {
        unregistered.put(token, since);
        return this;
    }

    /** The device installed the app again: APNs knows {@code token} again. */
    ApnsPeer reinstall(String token) {
        unregistered.remove(token);
        return this;
    }

    /** While down, every request is answered 503 ServiceUnavailable. */
    void down(boolean isDown) {
        down.on = isDown;
    }

    /** The requests for {@code token}. */
    List<Received> receivedFor(String token) {
        return received.stream().filter(r -> r.token().equals(token)).toList();
    }

    /** How many requests for {@code token} were accepted. */
    long acceptedFor(String token) {
        return received.stream().filter(r -> r.accepted() && r.token().equals(token)).count();
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
