package dev.herald.channel.apns;

import static dev.herald.channel.apns.TestCredentials.deviceToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.config.ApnsConfig;
import dev.herald.config.Secret;
import dev.herald.testkit.ApnsPeer;
import dev.herald.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Certificate authentication: the client presents {@code client.p12} in the TLS handshake, the mock server checks
 * it against the test CA and, like APNs, allows only the topic in the certificate's UID.
 */
final class ApnsCertificateAuthTest {
    private static final String CLIENT_P12_TOPIC = TestCertificates.CLIENT_TOPIC;
    private static final String DEVICE = deviceToken("cert-phone");
    private static ApnsResources resources;

    @BeforeAll
    static void startThreads() {
        resources = ApnsResources.create(1);
    }

    @AfterAll
    static void stopThreads() {
        resources.close();
    }

    /**
     * A validating peer knowing the device under two topics, on Pushy's {@code MockApnsServer} trusting client
     * certificates signed by {@code ca}.
     */
    private static ApnsPeer validating(Path ca) {
        return ApnsPeer.builder().validating()
                .server(new MockApnsServerBuilder().setTrustedClientCertificateChain(ca.toFile())).start()
                .register(CLIENT_P12_TOPIC, DEVICE).register("dev.herald.other", DEVICE);
    }

    private static ApnsPeer validating() {
        return validating(TestCertificates.ca());
    }

    /** A sender for the test client certificate, sending through {@code apns}. */
    private static ApnsSender sender(ApnsPeer apns) {
        return ApnsSender.create(TestCredentials.config(apns, CLIENT_P12_TOPIC, TestCredentials.certificateAuth()),
                resources, 8, Clock.systemUTC());
    }

    private static SendOutcome send(ApnsSender sender, String topic) throws Exception {
        var m = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), DEVICE, topic,
                ApplePush.builder().alert(ApplePush.Alert.of("signed in")).build());
        return sender.send(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void sendsWithAClientCertificate() throws Exception {
        try (var apns = validating(); var sender = sender(apns)) {
            assertInstanceOf(SendOutcome.Accepted.class, send(sender, CLIENT_P12_TOPIC));
            assertNull(apns.single().header("authorization"), "no provider token with certificate auth");
        }
    }

    @Test
    void aTopicOutsideTheCertificateFails() throws Exception {
        try (var apns = validating(); var sender = sender(apns)) {
            var failed = assertInstanceOf(SendOutcome.Failed.class, send(sender, "dev.herald.other"));
            assertEquals("APNs 400 BadTopic", failed.reason());
        }
    }

    @Test
    void aCertificateTheServerDoesNotTrustParksTheCredential() throws Exception {
        // This server trusts only a CA that did not sign client.p12, so the client is not authenticated at all.
        try (var apns = validating(TestCertificates.serverCertificate()); var sender = sender(apns)) {
            var outcome = send(sender, CLIENT_P12_TOPIC);
            var throttled = assertInstanceOf(SendOutcome.Throttled.class, outcome, outcome.describe());
            assertEquals(Duration.ofMinutes(5), throttled.retryAfter());
            assertEquals("credential rejected: APNs 403 MissingProviderToken", throttled.reason());
        }
    }

    @Test
    void aFailedTlsHandshakeParksTheCredential() throws Exception {
        // Without trusted_certificate the client trusts only the JDK's CAs, so the handshake with the mock fails.
        try (var apns = validating()) {
            var config = new ApnsConfig(CLIENT_P12_TOPIC, ApnsConfig.Environment.DEVELOPMENT,
                    TestCredentials.certificateAuth(), Optional.of(apns.address()), Optional.empty());
            try (var sender = ApnsSender.create(config, resources, 8, Clock.systemUTC())) {
                var outcome = send(sender, CLIENT_P12_TOPIC);
                var throttled = assertInstanceOf(SendOutcome.Throttled.class, outcome, outcome.describe());
                assertEquals(Duration.ofMinutes(5), throttled.retryAfter());
                assertTrue(throttled.reason().startsWith("credential rejected: TLS handshake with APNs failed"),
                        throttled.reason());
                assertEquals(0, apns.received().size());
            }
        }
    }

    @Test
    void aWrongCertificatePasswordFailsAtCreateWithoutShowingIt() {
        var auth = new ApnsConfig.CertificateAuth(TestCertificates.clientCertificate(),
                Secret.of("hunter2-wrong"));
        try (var apns = validating()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> ApnsSender.create(TestCredentials.config(apns, CLIENT_P12_TOPIC, auth), resources, 8,
                            Clock.systemUTC()));
            assertTrue(e.getMessage().startsWith("APNs client for certificate client.p12 could not be set up"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("hunter2-wrong"), e.getMessage());
        }
    }
}
