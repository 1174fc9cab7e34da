package dev.herald.channel.apns;

import static dev.herald.channel.apns.TestCredentials.deviceToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.testkit.ResettingPeer;
import dev.herald.config.ApnsConfig;
import dev.herald.testkit.ApnsPeer;
import dev.herald.testkit.MutableClock;
import dev.herald.testkit.TestCertificates;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fault injection against loopback peers. Covered elsewhere, not repeated here: nothing listening
 * ({@link ApnsSenderTest#retriesWhenNothingListens}: Retry "could not connect"), APNs slower than the reply deadline
 * ({@link ApnsSenderTest#answersRetryWhenApnsDoesNotAnswerInTime}: Retry), 429 TooManyRequests for one device
 * ({@link ApnsSenderTest#tooManyRequestsToOneDeviceRetriesOnlyThatDelivery}: Retry for the recipient, others
 * unaffected), TooManyProviderTokenUpdates (Throttled 20 minutes), 5xx and a crashing server (Retry), a TLS handshake
 * the client refuses ({@link ApnsCertificateAuthTest#aFailedTlsHandshakeParksTheCredential}: Throttled 5 minutes).
 * Not applicable: DNS failure (Pushy resolves through Netty's resolver with no seam Herald exposes; the tests must not
 * ask real DNS).
 */
final class ApnsFaultsTest {
    private static final String TOPIC = "dev.herald.app";
    private static ApnsResources resources;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final ApnsConfig.TokenAuth auth = TestCredentials.tokenAuth(ApnsPeer.Team.of("TEAM000001", "KEY0000001"));

    @BeforeAll
    static void startThreads() {
        resources = ApnsResources.create(1);
    }

    @AfterAll
    static void stopThreads() {
        resources.close();
    }

    private SendOutcome sendTo(String address) throws Exception {
        var config = new ApnsConfig(TOPIC, ApnsConfig.Environment.DEVELOPMENT, auth, Optional.of(address),
                Optional.of(TestCertificates.ca()));
        try (var sender = ApnsSender.create(config, resources, ApnsTuning.defaults(4, clock))) {
            var m = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), deviceToken("faults"), TOPIC,
                    ApplePush.builder().alert(ApplePush.Alert.of("hi")).build());
            return sender.send(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPeerThatResetsDuringTheTlsHandshakeIsRetriedWithoutParkingTheCredential() throws Exception {
        try (var peer = new ResettingPeer(ResettingPeer.Mode.RESET_AT_FIRST_BYTES)) {
            var outcome = sendTo("127.0.0.1:" + peer.port());
            // A reset is the network's fault, not a refused certificate: Retry, never Throttled "credential rejected".
            var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertEquals(SendOutcome.Retry.Scope.PROVIDER, retry.scope());
        }
    }

    @Test
    void aPlainHttpPeerSpokenToOverTlsIsRetried() throws Exception {
        try (var peer = new ResettingPeer(ResettingPeer.Mode.PLAIN_HTTP_AT_FIRST_BYTES)) {
            var outcome = sendTo("127.0.0.1:" + peer.port());
            var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertTrue(retry.reason().contains("not an SSL/TLS record"), retry.reason());
        }
    }
}
