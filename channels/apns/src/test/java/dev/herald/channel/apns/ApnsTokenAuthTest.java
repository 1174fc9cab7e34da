package dev.herald.channel.apns;

import static dev.herald.channel.apns.TestCredentials.deviceToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.config.ApnsConfig;
import dev.herald.config.Secret;
import dev.herald.testkit.ApnsPeer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token authentication checked by Pushy's validating mock server, which verifies each JWT against the team's public
 * key and knows which device tokens belong to which topic, like APNs. Two workspaces, each with its own .p8 key and
 * app, share one server and one {@link ApnsResources}.
 */
final class ApnsTokenAuthTest {
    private static final String ACME_APP = "com.acme.app";
    private static final String BETA_APP = "com.beta.app";
    private static final String ACME_DEVICE = deviceToken("acme-phone");
    private static final String BETA_DEVICE = deviceToken("beta-phone");
    private static final String GONE_DEVICE = deviceToken("acme-old-phone");
    private static final Instant GONE_SINCE = Instant.parse("2026-09-30T12:00:00Z");
    private static ApnsResources resources;

    private final ApnsPeer.Team acme = ApnsPeer.Team.of("ACMETEAM01", "ACMEKEY001", ACME_APP);
    private final ApnsPeer.Team beta = ApnsPeer.Team.of("BETATEAM01", "BETAKEY001", BETA_APP);
    private ApnsPeer apns;

    @BeforeAll
    static void startThreads() {
        resources = ApnsResources.create(2);
    }

    @AfterAll
    static void stopThreads() {
        resources.close();
    }

    @BeforeEach
    void start() {
        apns = ApnsPeer.validating(acme, beta).register(ACME_APP, ACME_DEVICE).register(BETA_APP, BETA_DEVICE)
                .unregister(GONE_DEVICE, GONE_SINCE);
    }

    @AfterEach
    void stop() {
        apns.close();
    }

    private ApnsSender acme() {
        return sender(ACME_APP, TestCredentials.tokenAuth(acme));
    }

    private ApnsSender sender(String topic, ApnsConfig.TokenAuth auth) {
        return ApnsSender.create(TestCredentials.config(apns, topic, auth), resources, 8, Clock.systemUTC());
    }

    private static SendOutcome send(ApnsSender sender, String token, String topic) throws Exception {
        var m = new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), token, topic,
                ApplePush.builder().alert(ApplePush.Alert.of("hello")).build());
        return sender.send(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aKnownDeviceOfTheAppIsAccepted() throws Exception {
        try (var sender = acme()) {
            assertInstanceOf(SendOutcome.Accepted.class, send(sender, ACME_DEVICE, ACME_APP));
        }
    }

    @Test
    void anUnknownDeviceIsAnInvalidAddress() throws Exception {
        try (var sender = acme()) {
            var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class,
                    send(sender, deviceToken("stranger"), ACME_APP));
            assertEquals("APNs 400 DeviceTokenNotForTopic", invalid.reason());
        }
    }

    @Test
    void aDeviceOfAnotherAppIsAnInvalidAddress() throws Exception {
        // The token is known, but for BETA_APP; under ACME_APP APNs answers DeviceTokenNotForTopic.
        try (var sender = sender(BETA_APP, TestCredentials.tokenAuth(beta))) {
            var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class, send(sender, ACME_DEVICE, BETA_APP));
            assertEquals("APNs 400 DeviceTokenNotForTopic", invalid.reason());
        }
    }

    @Test
    void anExpiredDeviceIsInvalidSinceItsUnregistrationTime() throws Exception {
        try (var sender = acme()) {
            var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class, send(sender, GONE_DEVICE, ACME_APP));
            assertEquals("APNs 410 Unregistered", invalid.reason());
            assertEquals(Optional.of(GONE_SINCE), invalid.since());
        }
    }

    @Test
    void twoWorkspacesWithTheirOwnKeysSendThroughSharedThreads() throws Exception {
        try (var acmeSender = acme();
             var betaSender = sender(BETA_APP, TestCredentials.tokenAuth(beta))) {
            var a = acmeSender.send(new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), ACME_DEVICE, ACME_APP,
                    ApplePush.builder().badge(1).build())).toCompletableFuture();
            var b = betaSender.send(new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), BETA_DEVICE, BETA_APP,
                    ApplePush.builder().badge(2).build())).toCompletableFuture();
            assertInstanceOf(SendOutcome.Accepted.class, a.get(20, TimeUnit.SECONDS));
            assertInstanceOf(SendOutcome.Accepted.class, b.get(20, TimeUnit.SECONDS));
            var topics = apns.received().stream().map(r -> r.header("apns-topic")).sorted().toList();
            assertEquals(List.of(BETA_APP, ACME_APP).stream().sorted().toList(), topics);
        }
    }

    @Test
    void aKeyMayNotSendToAnotherWorkspacesApp() throws Exception {
        // Acme's valid key, Beta's app and device: APNs refuses the token for that topic (InvalidProviderToken).
        try (var sender = sender(BETA_APP, TestCredentials.tokenAuth(acme))) {
            var throttled = assertInstanceOf(SendOutcome.Throttled.class, send(sender, BETA_DEVICE, BETA_APP));
            assertEquals("credential rejected: APNs 403 InvalidProviderToken", throttled.reason());
            assertEquals(Duration.ofMinutes(5), throttled.retryAfter());
        }
    }

    @Test
    void aKeyApnsDoesNotKnowParksTheCredential() throws Exception {
        var revoked = ApnsPeer.Team.of("ACMETEAM01", "ACMEKEY001"); // the same ids, a key APNs never saw
        try (var sender = sender(ACME_APP, TestCredentials.tokenAuth(revoked))) {
            var throttled = assertInstanceOf(SendOutcome.Throttled.class, send(sender, ACME_DEVICE, ACME_APP));
            assertTrue(throttled.reason().startsWith("credential rejected: "), throttled.reason());
        }
    }

    @Test
    void anUnreadableSigningKeyFailsAtCreateWithoutShowingIt() {
        String secretText = "-----BEGIN PRIVATE KEY-----\nTm90QUtleVNlY3JldFZhbHVl\n-----END PRIVATE KEY-----\n";
        var auth = new ApnsConfig.TokenAuth("ACMETEAM01", "ACMEKEY001", Secret.of(secretText));
        var e = assertThrows(IllegalArgumentException.class, () -> sender(ACME_APP, auth));
        assertTrue(e.getMessage().startsWith("APNs client for token ACMETEAM01/ACMEKEY001 could not be set up"),
                e.getMessage());
        assertFalse(e.getMessage().contains("Tm90QUtleVNlY3JldFZhbHVl"), e.getMessage());
    }
}
