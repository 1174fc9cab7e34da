package dev.herald.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The peer as a Pushy client sees it, over TLS with the test CA and a team's provider token. */
final class ApnsPeerTest {
    private static final String TOPIC = "dev.herald.app";
    private static final ApnsPeer.Team TEAM = ApnsPeer.Team.of("TEAM000001", "KEY0000001", TOPIC);
    private static final String PHONE = "0".repeat(62) + "01";
    private static final String OTHER = "0".repeat(62) + "02";
    private static EventLoopGroup clientThreads;

    private ApnsClient client;

    @BeforeAll
    @SuppressWarnings("deprecation") // Pushy 0.15.4 accepts only NioEventLoopGroup / EpollEventLoopGroup
    static void startThreads() {
        clientThreads = new NioEventLoopGroup(1, new DefaultThreadFactory("apns-peer-test", true));
    }

    @AfterAll
    static void stopThreads() {
        clientThreads.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close().get(10, TimeUnit.SECONDS);
        }
    }

    private PushNotificationResponse<SimpleApnsPushNotification> send(ApnsPeer peer, String token) throws Exception {
        if (client == null) {
            client = new ApnsClientBuilder().setApnsServer("127.0.0.1", peer.port())
                    .setSigningKey(TEAM.signingKey())
                    .setEventLoopGroup(clientThreads)
                    .setTrustedServerCertificateChain(TestCertificates.ca().toFile())
                    .build();
        }
        return client.sendNotification(new SimpleApnsPushNotification(token, TOPIC, "{\"aps\":{\"badge\":1}}"))
                .get(20, TimeUnit.SECONDS);
    }

    @Test
    void aValidatingPeerAcceptsARegisteredDeviceAndRecordsTheRequest() throws Exception {
        try (var peer = ApnsPeer.validating(TEAM).register(TOPIC, PHONE)) {
            assertTrue(send(peer, PHONE).isAccepted());
            var unknown = send(peer, OTHER);
            assertEquals(Optional.of("DeviceTokenNotForTopic"), unknown.getRejectionReason());

            var first = peer.receivedFor(PHONE).get(0);
            assertTrue(first.accepted());
            assertEquals(TOPIC, first.topic());
            assertEquals(Optional.of("KEY0000001"), first.keyId());
            assertEquals(1L, ((Number) first.aps().get("badge")).longValue());
            assertEquals(1, peer.acceptedFor(PHONE));
            assertEquals(0, peer.acceptedFor(OTHER));
            assertEquals(1, peer.accepted());
            assertEquals(1, peer.rejected());
        }
    }

    @Test
    void answersItsScriptBeforeAnythingElse() throws Exception {
        Instant since = Instant.parse("2026-09-30T12:00:00Z");
        try (var peer = ApnsPeer.start().reject(PHONE, RejectionReason.BAD_DEVICE_TOKEN).unregister(OTHER, since)) {
            assertEquals(Optional.of("BadDeviceToken"), send(peer, PHONE).getRejectionReason());
            var gone = send(peer, OTHER);
            assertEquals(410, gone.getStatusCode());
            assertEquals(Optional.of(since), gone.getTokenInvalidationTimestamp());
            peer.reinstall(OTHER);
            assertTrue(send(peer, OTHER).isAccepted());

            peer.down(true);
            assertEquals(503, send(peer, OTHER).getStatusCode());
            peer.down(false).crash(OTHER);
            assertEquals(500, send(peer, OTHER).getStatusCode());
            assertEquals(5, peer.received().size());
        }
    }

    @Test
    void aPeerWithoutRecordingOnlyCounts() throws Exception {
        try (var peer = ApnsPeer.builder().withoutRecording().start()) {
            long before = System.nanoTime();
            assertTrue(send(peer, PHONE).isAccepted());
            assertTrue(peer.awaitAccepted(1, Duration.ofSeconds(5)));
            assertFalse(peer.awaitAccepted(2, Duration.ofMillis(20)));
            assertTrue(peer.lastAcceptedNanos() - before > 0);
            assertThrows(IllegalStateException.class, peer::received);
            assertThrows(IllegalStateException.class, () -> peer.register(TOPIC, PHONE), "not a validating peer");
        }
    }
}
