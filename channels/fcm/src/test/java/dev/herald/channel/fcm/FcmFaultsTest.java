package dev.herald.channel.fcm;

import static dev.herald.channel.fcm.FcmPeer.PROJECT;
import static dev.herald.channel.fcm.FcmPeer.error;
import static dev.herald.channel.fcm.FcmPeer.fcmError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.AndroidPush;
import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.channel.testkit.ResettingPeer;
import dev.herald.config.FcmConfig;
import dev.herald.config.Secret;
import dev.herald.testkit.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault injection against loopback peers. Covered elsewhere, not repeated here: nothing listening
 * ({@link FcmSenderTest#closedPortRetries}: Retry), FCM slower than the attempt timeout
 * ({@link FcmSenderTest#anAttemptWithoutAnswerWithinTheTimeoutRetries}: Retry "no answer from FCM"), a response cut
 * off mid-body ({@link FcmSenderTest#connectionClosedMidResponseRetries}: Retry), one device's 429 with and without
 * Retry-After ({@link FcmSenderTest#quotaExceededRetriesThatDeliveryAfterRetryAfter}: Retry for the recipient, 30 s /
 * 60 s), a burst of 429s across tokens with Retry-After ({@link FcmSenderTest#manyTokensOverQuotaTogetherThrottleTheProject}:
 * Throttled 45 s), 503 honouring Retry-After ({@link FcmSenderTest#serviceUnavailableAfterTheSdksRetriesIsOneRetryOutcome}).
 * Not applicable: DNS failure (the SDK resolves the endpoint with the JVM's resolver; there is no resolver seam to
 * stub, and the tests must not ask real DNS).
 */
final class FcmFaultsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final List<FcmSender> senders = new ArrayList<>();

    @AfterEach
    void stop() {
        senders.forEach(FcmSender::close);
    }

    private FcmSender sender(URI endpoint) {
        var config = new FcmConfig(PROJECT, Secret.of("{\"unused\":\"with an endpoint\"}"), Optional.of(endpoint));
        FcmSender s = FcmSender.create(config, FcmSender.credentials(config), 4, Duration.ofSeconds(5), clock);
        senders.add(s);
        return s;
    }

    private static AndroidPushMessage to(String token) {
        return new AndroidPushMessage(new DeliveryRef(UUID.randomUUID(), 1), token,
                AndroidPush.notification("Hi", "Hello"));
    }

    private static SendOutcome send(FcmSender s, String token) throws Exception {
        return s.send(to(token)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void aResetAfterTheRequestIsRetried() throws Exception {
        try (var peer = new ResettingPeer(ResettingPeer.Mode.RESET_AFTER_REQUEST)) {
            var outcome = send(sender(peer.url("http", "")), "tok");
            var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertEquals(SendOutcome.Retry.Scope.PROVIDER, retry.scope());
            assertTrue(peer.received().size() >= 1, "the request reached FCM, so it may have delivered");
        }
    }

    @Test
    void aStormOf429sWithoutRetryAfterRetriesEachDeviceAfterSixtySecondsThenThrottlesTheProject() throws Exception {
        try (var peer = new HttpPeer()) {
            peer.answer(429, Map.of("Content-Type", "application/json"),
                    error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", fcmError("QUOTA_EXCEEDED")));
            var s = sender(peer.url(""));
            List<SendOutcome> outcomes = new ArrayList<>();
            for (int i = 0; i < FcmSender.QUOTA_BURST_TOKENS; i++) {
                outcomes.add(send(s, "device-" + i));
            }
            for (var o : outcomes.subList(0, FcmSender.QUOTA_BURST_TOKENS - 1)) {
                var retry = assertInstanceOf(SendOutcome.Retry.class, o, o.describe());
                assertEquals(FcmOutcomes.QUOTA_DEFAULT_WAIT, retry.after());
                assertEquals(SendOutcome.Retry.Scope.RECIPIENT, retry.scope(), "one device's quota is not FCM's");
            }
            var throttled = assertInstanceOf(SendOutcome.Throttled.class, outcomes.getLast());
            assertEquals(FcmOutcomes.QUOTA_DEFAULT_WAIT, throttled.retryAfter());
            assertEquals(FcmSender.QUOTA_BURST_TOKENS, peer.received().size(), "the SDK does not repeat a 429");
        }
    }

    @Test
    void aBare429FromAProxyIsStillAQuotaAnswerHonouringRetryAfter() throws Exception {
        try (var peer = new HttpPeer()) {
            peer.answer(429, Map.of("Retry-After", "17"), "");
            var retry = assertInstanceOf(SendOutcome.Retry.class, send(sender(peer.url("")), "tok"));
            assertEquals(Duration.ofSeconds(17), retry.after(), retry.reason());
        }
    }

    @Test
    void httpsToAPlainHttpEndpointIsRetried() throws Exception {
        try (var plain = new ResettingPeer(ResettingPeer.Mode.PLAIN_HTTP_AT_FIRST_BYTES)) {
            var outcome = send(sender(plain.url("https", "")), "tok");
            assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
        }
    }
}
