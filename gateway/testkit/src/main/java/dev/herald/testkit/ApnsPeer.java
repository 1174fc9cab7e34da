package dev.herald.testkit;

import com.eatthepath.json.JsonParser;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.PushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import io.netty.buffer.ByteBuf;
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
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * APNs on loopback: Pushy's {@link MockApnsServer} (real HTTP/2 over TLS, with {@link TestCertificates}) on an
 * ephemeral port and one I/O thread of its own. Senders connect to {@code 127.0.0.1:}{@link #port()} and trust
 * {@link TestCertificates#ca()}; the peer trusts client certificates signed by that CA (certificate auth), and
 * token-auth clients need none. Pushy 0.15.4's {@code start(port)} binds the wildcard address.
 *
 * <p>How it answers, in this order: while {@linkplain #down(boolean) down}, 503 ServiceUnavailable; for a token
 * scripted to {@linkplain #crash crash}, 500; for a token scripted to be {@linkplain #reject rejected}, that
 * rejection; then as built: accepting every notification ({@link #start()}), as APNs would
 * ({@link #validating(Team...)}: each provider token checked against its team's key and topics, a device accepted
 * only for the topic it was {@linkplain #register registered} for, an {@linkplain #unregister unregistered} one
 * 410 with its time), or with the test's own handlers ({@link #start(PushNotificationHandlerFactory)}). A peer
 * that is not validating answers an unregistered token 410 too.
 *
 * <p>It counts accepted and rejected notifications, and records every answered request ({@link #received()}) unless
 * built {@linkplain Builder#withoutRecording() without recording}, as a benchmark's peer is. Thread-safe.
 */
public final class ApnsPeer implements AutoCloseable {
    private final EventLoopGroup group;
    private final MockApnsServer server;
    private final int port;
    private final State state;

    private ApnsPeer(EventLoopGroup group, MockApnsServer server, int port, State state) {
        this.group = group;
        this.server = server;
        this.port = port;
        this.state = state;
    }

    /** A peer that accepts every notification it has no script for. */
    public static ApnsPeer start() {
        return builder().start();
    }

    /** A peer that answers with {@code handlers} what it has no script for. */
    public static ApnsPeer start(PushNotificationHandlerFactory handlers) {
        return builder().answeringWith(handlers).start();
    }

    /** A peer that answers as APNs would, knowing these teams' signing keys. */
    public static ApnsPeer validating(Team... teams) {
        return builder().validating(teams).start();
    }

    /** A peer with options. */
    public static Builder builder() {
        return new Builder();
    }

    /** How a peer answers what it has no script for. */
    private sealed interface Answering {
        /** Accepts every notification. */
        record All() implements Answering {
        }

        /** Pushy's validating handlers over these teams. */
        record AsApns(List<Team> teams) implements Answering {
        }

        /** The test's own handlers. */
        record With(PushNotificationHandlerFactory handlers) implements Answering {
        }
    }

    /** Options for a peer; {@link #start()} starts it. */
    public static final class Builder {
        private Answering answering = new Answering.All();
        private @Nullable MockApnsServerBuilder base;
        private boolean recording = true;

        private Builder() {
        }

        /** Answers with {@code handlers} (instead of accepting everything or validating). */
        public Builder answeringWith(PushNotificationHandlerFactory handlers) {
            answering = new Answering.With(Objects.requireNonNull(handlers, "handlers"));
            return this;
        }

        /** Answers as APNs would, knowing these teams' keys (instead of accepting everything). */
        public Builder validating(Team... teams) {
            answering = new Answering.AsApns(List.of(teams));
            return this;
        }

        /**
         * Starts from this Pushy builder instead of one trusting client certificates signed by
         * {@link TestCertificates#ca()} (a test of TLS client authentication sets the trust it needs); the peer
         * sets the server's credentials, its handlers and its event loop.
         */
        public Builder server(MockApnsServerBuilder pushyBuilder) {
            base = Objects.requireNonNull(pushyBuilder, "pushyBuilder");
            return this;
        }

        /** Only counts: keeps no {@link Received} (a benchmark's peer, answering millions of notifications). */
        public Builder withoutRecording() {
            recording = false;
            return this;
        }

        /** Starts the peer on a free port. */
        public ApnsPeer start() {
            var state = new State(recording, answering instanceof Answering.AsApns);
            PushNotificationHandlerFactory inner = switch (answering) {
                case Answering.All all -> session -> (headers, payload) -> {
                };
                case Answering.AsApns asApns -> state.validating(asApns.teams());
                case Answering.With with -> with.handlers();
            };
            PushNotificationHandlerFactory outer = session -> state.handler(inner.buildHandler(session));
            // Its own group, shut down without Netty's default two-second quiet period (Pushy's would keep it).
            EventLoopGroup group = newGroup();
            try {
                MockApnsServerBuilder builder = base != null ? base : new MockApnsServerBuilder()
                        .setTrustedClientCertificateChain(TestCertificates.ca().toFile());
                MockApnsServer server = builder
                        .setEventLoopGroup(group)
                        .setServerCredentials(TestCertificates.serverCertificate().toFile(),
                                TestCertificates.serverKey().toFile(), null)
                        .setHandlerFactory(outer)
                        .build();
                int port = server.start(0).get(10, TimeUnit.SECONDS);
                return new ApnsPeer(group, server, port, state);
            } catch (Exception e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw new IllegalStateException("mock APNs server did not start", e);
            }
        }

        @SuppressWarnings("deprecation") // Pushy 0.15.4 accepts only NioEventLoopGroup / EpollEventLoopGroup
        private static EventLoopGroup newGroup() {
            return new NioEventLoopGroup(1, new DefaultThreadFactory("mock-apns", true));
        }
    }

    /** Scripts, what APNs knows, counters and recordings, read by the handlers on the I/O thread. */
    private static final class State {
        private final boolean recording;
        private final boolean validating;
        private final Map<String, Set<String>> devicesByTopic = new ConcurrentHashMap<>();
        private final Map<String, Instant> unregistered = new ConcurrentHashMap<>();
        private final Map<String, RejectionReason> rejections = new ConcurrentHashMap<>();
        private final Set<String> crashes = ConcurrentHashMap.newKeySet();
        private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
        private final AtomicLong accepted = new AtomicLong();
        private final AtomicLong rejected = new AtomicLong();
        private volatile boolean down;
        private volatile long lastAcceptedNanos;

        State(boolean recording, boolean validating) {
            this.recording = recording;
            this.validating = validating;
        }

        PushNotificationHandlerFactory validating(List<Team> teams) {
            Map<String, ApnsVerificationKey> keysById = new HashMap<>();
            Map<ApnsVerificationKey, Set<String>> topicsByKey = new HashMap<>();
            for (Team team : teams) {
                ApnsVerificationKey key = team.verificationKey();
                keysById.put(team.keyId(), key);
                topicsByKey.put(key, team.topics());
            }
            // Pushy keeps these maps by reference: devices registered later are seen by every handler.
            return new ValidatingPushNotificationHandlerFactory(devicesByTopic, unregistered, keysById, topicsByKey);
        }

        PushNotificationHandler handler(PushNotificationHandler inner) {
            return (headers, payload) -> {
                try {
                    script(headers);
                    inner.handlePushNotification(headers, payload);
                } catch (RejectedNotificationException | RuntimeException e) {
                    rejected.incrementAndGet();
                    record(headers, payload, false);
                    throw e;
                }
                lastAcceptedNanos = System.nanoTime();
                accepted.incrementAndGet();
                record(headers, payload, true);
            };
        }

        private void script(Http2Headers headers) throws RejectedNotificationException {
            if (down) {
                throw new RejectedNotificationException(RejectionReason.SERVICE_UNAVAILABLE);
            }
            if (crashes.isEmpty() && rejections.isEmpty() && (validating || unregistered.isEmpty())) {
                return; // nothing scripted: a benchmark's peer never parses the path
            }
            String token = tokenOf(String.valueOf(headers.path()));
            if (crashes.contains(token)) {
                throw new IllegalStateException("scripted crash"); // the mock server answers 500
            }
            RejectionReason reason = rejections.get(token);
            if (reason != null) {
                throw new RejectedNotificationException(reason);
            }
            @Nullable Instant since = validating ? null : unregistered.get(token);
            if (since != null) {
                throw new UnregisteredDeviceTokenException(since);
            }
        }

        private void record(Http2Headers headers, ByteBuf payload, boolean wasAccepted) {
            if (recording) {
                Map<String, String> copy = new LinkedHashMap<>();
                headers.forEach(h -> copy.put(h.getKey().toString(), h.getValue().toString()));
                received.add(new Received(copy, payload.toString(StandardCharsets.UTF_8), wasAccepted));
            }
        }
    }

    /** The port the peer listens on. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, the {@code host:port} senders connect to. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** A validating peer knows {@code token} as a device of the app {@code topic}. */
    public ApnsPeer register(String topic, String token) {
        requireValidating("register");
        state.devicesByTopic.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(token);
        return this;
    }

    /** The device uninstalled the app at {@code since}: the peer answers 410 Unregistered with that time. */
    public ApnsPeer unregister(String token, Instant since) {
        state.unregistered.put(token, since);
        return this;
    }

    /** The device installed the app again: the peer no longer answers 410 for {@code token}. */
    public ApnsPeer reinstall(String token) {
        state.unregistered.remove(token);
        return this;
    }

    /** Rejects every notification for {@code token} with {@code reason}. */
    public ApnsPeer reject(String token, RejectionReason reason) {
        state.rejections.put(token, reason);
        return this;
    }

    /** The handler throws for {@code token}, which the mock server answers with 500 InternalServerError. */
    public ApnsPeer crash(String token) {
        state.crashes.add(token);
        return this;
    }

    /** While down, every notification is answered 503 ServiceUnavailable. */
    public ApnsPeer down(boolean isDown) {
        state.down = isDown;
        return this;
    }

    /** Every answered request so far, in the order they were answered. */
    public List<Received> received() {
        requireRecording();
        return List.copyOf(state.received);
    }

    /** The only request received. */
    public Received single() {
        List<Received> all = received();
        if (all.size() != 1) {
            throw new AssertionError("expected one request, got " + all.size());
        }
        return all.get(0);
    }

    /** The requests for {@code token}. */
    public List<Received> receivedFor(String token) {
        return received().stream().filter(r -> r.token().equals(token)).toList();
    }

    /** How many requests for {@code token} were accepted. */
    public long acceptedFor(String token) {
        return receivedFor(token).stream().filter(Received::accepted).count();
    }

    /** Notifications accepted since the start. */
    public long accepted() {
        return state.accepted.get();
    }

    /** Notifications rejected since the start. */
    public long rejected() {
        return state.rejected.get();
    }

    /** {@link System#nanoTime()} when the last notification was accepted (0 before the first). */
    public long lastAcceptedNanos() {
        return state.lastAcceptedNanos;
    }

    /** Whether {@code count} notifications in all were accepted within {@code limit}; reports, never fails. */
    public boolean awaitAccepted(long count, Duration limit) {
        return Eventually.within(limit, () -> accepted() >= count);
    }

    private void requireValidating(String what) {
        if (!state.validating) {
            throw new IllegalStateException(what + ": only a validating peer knows devices");
        }
    }

    private void requireRecording() {
        if (!state.recording) {
            throw new IllegalStateException("this peer was built without recording");
        }
    }

    /** Stops the server and its I/O thread. */
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

    private static String tokenOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * One request as the peer saw it, and whether it was accepted.
     *
     * @param headers the HTTP/2 headers, pseudo-headers ({@code :path}) included, by lower-case name
     */
    public record Received(Map<String, String> headers, String payload, boolean accepted) {
        public Received {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(payload, "payload");
        }

        /** A header's value, or null. */
        public @Nullable String header(String name) {
            return headers.get(name);
        }

        /** The device token from {@code :path} ({@code /3/device/<token>}). */
        public String token() {
            return tokenOf(Objects.requireNonNull(headers.get(":path"), ":path"));
        }

        /** {@code apns-topic}, or null. */
        public @Nullable String topic() {
            return headers.get("apns-topic");
        }

        /** {@code apns-id}, or null. */
        public @Nullable String apnsId() {
            return headers.get("apns-id");
        }

        /** The {@code kid} of the provider token (JWT) the request carried: which .p8 key signed it, if any. */
        public Optional<String> keyId() {
            return Optional.ofNullable(headers.get("authorization")).map(auth -> {
                String jwt = auth.replaceFirst("(?i)^bearer ", "");
                String header = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))),
                        StandardCharsets.UTF_8);
                return header.replaceAll("(?s).*\"kid\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            });
        }

        /** The payload as a JSON object. */
        public Map<String, Object> json() {
            try {
                return new JsonParser().parseJsonObject(payload);
            } catch (ParseException e) {
                throw new AssertionError("payload is not JSON: " + payload, e);
            }
        }

        /** The payload's {@code aps} dictionary. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> aps() {
            return (Map<String, Object>) json().get("aps");
        }
    }

    /**
     * A team's .p8 signing key (EC P-256, as Apple issues) and the topics Apple lets it send to.
     *
     * @param topics the bundle ids a validating peer accepts this key's provider tokens for
     */
    public record Team(String teamId, String keyId, KeyPair keys, Set<String> topics) {
        public Team {
            Objects.requireNonNull(teamId, "teamId");
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(keys, "keys");
            topics = Set.copyOf(topics);
        }

        /** A team with a fresh key. */
        public static Team of(String teamId, String keyId, String... topics) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return new Team(teamId, keyId, generator.generateKeyPair(), Set.of(topics));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The private key as the PKCS#8 PEM text of an {@code AuthKey_<keyId>.p8} file. */
        public String privateKeyPem() {
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }

        /** Writes {@code AuthKey_<keyId>.p8} into {@code dir}; returns its path. */
        public Path writeKey(Path dir) throws IOException {
            return Files.writeString(dir.resolve("AuthKey_" + keyId + ".p8"), privateKeyPem());
        }

        /** The private half, as a Pushy client signs provider tokens with it. */
        public ApnsSigningKey signingKey() {
            try {
                return new ApnsSigningKey(keyId, teamId, (ECPrivateKey) keys.getPrivate());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The public half, as a validating peer checks provider tokens with it. */
        public ApnsVerificationKey verificationKey() {
            try {
                return new ApnsVerificationKey(keyId, teamId, (ECPublicKey) keys.getPublic());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
