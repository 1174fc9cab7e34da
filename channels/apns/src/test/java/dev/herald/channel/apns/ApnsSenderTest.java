package dev.herald.channel.apns;

import static dev.herald.channel.apns.TestCredentials.deviceToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eatthepath.pushy.apns.server.RejectionReason;
import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.testkit.SenderContract;
import dev.herald.config.ApnsConfig;
import dev.herald.testkit.ApnsPeer;
import dev.herald.testkit.MutableClock;
import dev.herald.testkit.TestCertificates;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The sender against Pushy's mock APNs server, scripted per device token: one test per row of the taxonomy. */
final class ApnsSenderTest extends SenderContract<ApplePushMessage> {
    private static final String TOPIC = "dev.herald.app";
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static ApnsResources resources;

    private final MutableClock clock = new MutableClock(NOW);
    private final ApnsConfig.TokenAuth auth = TestCredentials.tokenAuth(ApnsPeer.Team.of("TEAM000001", "KEY0000001"));
    private ApnsPeer apns;
    private ApnsSender sender;

    @BeforeAll
    static void startThreads() {
        resources = ApnsResources.create(1);
    }

    @AfterAll
    static void stopThreads() {
        resources.close();
    }

    @BeforeEach
    void start() {
        apns = ApnsPeer.start();
        sender = apnsSender();
    }

    @AfterEach
    void stop() {
        sender.close();
        apns.close();
    }

    @Override
    protected Sender<ApplePushMessage> newSender() {
        return apnsSender();
    }

    @Override
    protected ApplePushMessage acceptableMessage() {
        return message(deviceToken("accepted"), ApplePush.builder().alert(ApplePush.Alert.of("hi")).build());
    }

    private ApnsSender apnsSender() {
        return ApnsSender.create(TestCredentials.config(apns, TOPIC, auth), resources, 16, clock);
    }

    private static ApplePushMessage message(String token, ApplePush push) {
        return new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), token, TOPIC, push);
    }

    private static ApplePush alert() {
        return ApplePush.builder().alert(ApplePush.Alert.of("hello")).build();
    }

    private SendOutcome send(ApplePushMessage m) throws Exception {
        return sender.send(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private SendOutcome rejectedWith(RejectionReason reason) throws Exception {
        String token = deviceToken(reason.name());
        apns.reject(token, reason);
        return send(message(token, alert()));
    }

    @Test
    void acceptedIsSentWithTheDeliveryIdAsApnsId() throws Exception {
        ApplePushMessage m = acceptableMessage();
        var accepted = assertInstanceOf(SendOutcome.Accepted.class, send(m));
        assertFalse(accepted.finalHop(), "APNs acceptance is not evidence the device got it");
        assertEquals(Optional.of(m.delivery().id().toString()), accepted.providerMessageId());
        assertEquals(m.delivery().id().toString(), apns.single().header("apns-id"));
    }

    @Test
    void theServerReceivesBrazeShapedPayloadAndHeaders() throws Exception {
        Instant expiry = NOW.plus(Duration.ofHours(2));
        ApplePush push = ApplePush.builder()
                .alert(new ApplePush.Alert(Optional.of("Title"), Optional.of("Body"), Optional.empty(), List.of(),
                        Optional.empty(), Optional.empty(), List.of()))
                .badge(3).sound("default").category("reply").threadId("chat-7").collapseId("order-42")
                .expiry(expiry).customUri("acme://orders/42").asset("https://cdn.test/a.jpg", "jpg")
                .extra("order_id", 42).build();
        ApplePushMessage m = message(deviceToken("rich"), push);
        assertInstanceOf(SendOutcome.Accepted.class, send(m));

        ApnsPeer.Received r = apns.single();
        assertEquals(m.delivery().id().toString(), r.header("apns-id"));
        assertEquals(TOPIC, r.header("apns-topic"));
        assertEquals("alert", r.header("apns-push-type"));
        assertEquals("10", r.header("apns-priority"));
        assertEquals("order-42", r.header("apns-collapse-id"));
        assertEquals(String.valueOf(expiry.getEpochSecond()), r.header("apns-expiration"));
        assertTrue(r.header("authorization").startsWith("bearer "), "token authentication");
        assertEquals(deviceToken("rich"), r.token());

        Map<String, Object> aps = r.aps();
        assertEquals(Map.of("title", "Title", "body", "Body"), aps.get("alert"));
        assertEquals(3L, ((Number) aps.get("badge")).longValue());
        assertEquals("default", aps.get("sound"));
        assertEquals("reply", aps.get("category"));
        assertEquals("chat-7", aps.get("thread-id"));
        assertEquals(1L, ((Number) aps.get("mutable-content")).longValue(), "rich media needs the extension");
        Map<String, Object> json = r.json();
        assertEquals("acme://orders/42", json.get("ab_uri"));
        assertEquals(Map.of("att", Map.of("url", "https://cdn.test/a.jpg", "type", "jpg")), json.get("ab"));
        assertEquals(42L, ((Number) json.get("order_id")).longValue());
    }

    @Test
    void aBackgroundPushGoesAsBackgroundWithPriorityFiveAndADayToLive() throws Exception {
        ApplePush push = ApplePush.builder().contentAvailable(true).extra("sync", true).build();
        assertInstanceOf(SendOutcome.Accepted.class, send(message(deviceToken("silent"), push)));
        ApnsPeer.Received r = apns.single();
        assertEquals("background", r.header("apns-push-type"));
        assertEquals("5", r.header("apns-priority"));
        assertEquals(String.valueOf(NOW.plus(Duration.ofHours(24)).getEpochSecond()), r.header("apns-expiration"));
        assertNull(r.header("apns-collapse-id"));
        assertEquals(Map.of("content-available", 1L), r.aps());
    }

    @Test
    void expiryIsJudgedAndDefaultedByTheSendersClock() throws Exception {
        // The system clock is not NOW: every expiry here would be judged differently by it.
        ApplePush push = ApplePush.builder().alert(ApplePush.Alert.of("soon")).expiry(NOW.plus(Duration.ofHours(1)))
                .build();
        clock.advance(Duration.ofHours(2));
        var failed = assertInstanceOf(SendOutcome.Failed.class, send(message(deviceToken("stale"), push)));
        assertTrue(failed.reason().contains("passed before the notification was sent"), failed.reason());

        assertInstanceOf(SendOutcome.Accepted.class, send(message(deviceToken("fresh"), alert())));
        assertEquals(String.valueOf(NOW.plus(Duration.ofHours(26)).getEpochSecond()),
                apns.single().header("apns-expiration"), "24 hours from the sender's now");
    }

    @Test
    void anUnregisteredTokenIsInvalidSinceApnsTimestamp() throws Exception {
        Instant since = Instant.parse("2026-10-01T08:00:00Z");
        String token = deviceToken("gone");
        apns.unregister(token, since);
        var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class, send(message(token, alert())));
        assertEquals(Optional.of(since), invalid.since());
        assertEquals("APNs 410 Unregistered", invalid.reason());
    }

    @ParameterizedTest
    @EnumSource(value = RejectionReason.class, names = {"BAD_DEVICE_TOKEN", "DEVICE_TOKEN_NOT_FOR_TOPIC"})
    void aBadOrForeignTokenIsAnInvalidAddress(RejectionReason reason) throws Exception {
        var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class, rejectedWith(reason));
        assertTrue(invalid.reason().startsWith("APNs 400 "), invalid.reason());
        assertEquals(Optional.empty(), invalid.since());
    }

    @Test
    void tooManyRequestsToOneDeviceRetriesOnlyThatDelivery() throws Exception {
        var retry = assertInstanceOf(SendOutcome.Retry.class, rejectedWith(RejectionReason.TOO_MANY_REQUESTS));
        assertTrue(retry.reason().startsWith("APNs 429 TooManyRequests"), retry.reason());
        assertEquals(SendOutcome.Retry.Scope.RECIPIENT, retry.scope(), "one busy device says nothing about APNs");
        assertInstanceOf(SendOutcome.Accepted.class, send(acceptableMessage()), "other devices are unaffected");
    }

    @Test
    void tooManyProviderTokenUpdatesThrottlesTheCredentialForTwentyMinutes() throws Exception {
        var throttled = assertInstanceOf(SendOutcome.Throttled.class,
                rejectedWith(RejectionReason.TOO_MANY_PROVIDER_TOKEN_UPDATES));
        assertEquals(Duration.ofMinutes(20), throttled.retryAfter());
    }

    @ParameterizedTest
    @EnumSource(value = RejectionReason.class, names = {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "SHUTDOWN"})
    void serverTroubleIsRetried(RejectionReason reason) throws Exception {
        var retry = assertInstanceOf(SendOutcome.Retry.class, rejectedWith(reason));
        assertTrue(retry.reason().startsWith("APNs 5"), retry.reason());
    }

    @Test
    void aCrashingServerIsRetried() throws Exception {
        String token = deviceToken("crash");
        apns.crash(token);
        var retry = assertInstanceOf(SendOutcome.Retry.class, send(message(token, alert())));
        assertEquals("APNs 500 InternalServerError", retry.reason());
    }

    @Test
    void anExpiredProviderTokenIsRetriedAndTheClientRecovers() throws Exception {
        var retry = assertInstanceOf(SendOutcome.Retry.class, rejectedWith(RejectionReason.EXPIRED_PROVIDER_TOKEN));
        assertTrue(retry.reason().startsWith("APNs 403 ExpiredProviderToken"), retry.reason());
        // Pushy closes the wedged connection; the next send opens a new one.
        assertInstanceOf(SendOutcome.Accepted.class, send(acceptableMessage()));
    }

    @ParameterizedTest
    @EnumSource(value = RejectionReason.class, names = {"INVALID_PROVIDER_TOKEN", "MISSING_PROVIDER_TOKEN",
            "BAD_CERTIFICATE", "BAD_CERTIFICATE_ENVIRONMENT", "FORBIDDEN"})
    void aRejectedCredentialIsParkedForFiveMinutes(RejectionReason reason) throws Exception {
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, rejectedWith(reason));
        assertEquals(Duration.ofMinutes(5), throttled.retryAfter());
        assertTrue(throttled.reason().startsWith("credential rejected: APNs 403 "), throttled.reason());
    }

    @ParameterizedTest
    @EnumSource(value = RejectionReason.class, names = {"BAD_TOPIC", "TOPIC_DISALLOWED", "PAYLOAD_TOO_LARGE",
            "BAD_EXPIRATION_DATE", "BAD_COLLAPSE_ID", "BAD_PRIORITY", "PAYLOAD_EMPTY", "MISSING_TOPIC"})
    void otherRejectionsFailWithApnsReason(RejectionReason reason) throws Exception {
        var failed = assertInstanceOf(SendOutcome.Failed.class, rejectedWith(reason));
        assertTrue(failed.reason().matches("APNs 4\\d\\d [A-Za-z]+"), failed.reason());
    }

    @Test
    void anExpiredMessageFailsWithoutContactingApns() throws Exception {
        ApplePush push = ApplePush.builder().alert(ApplePush.Alert.of("late")).expiry(NOW.minusSeconds(1)).build();
        var failed = assertInstanceOf(SendOutcome.Failed.class, send(message(deviceToken("late"), push)));
        assertTrue(failed.reason().contains("passed before the notification was sent"), failed.reason());
        assertEquals(List.of(), apns.received());
    }

    @Test
    void anOversizedPayloadFailsWithoutContactingApns() throws Exception {
        ApplePush push = ApplePush.builder().alert(ApplePush.Alert.of("x".repeat(5000))).build();
        var failed = assertInstanceOf(SendOutcome.Failed.class, send(message(deviceToken("big"), push)));
        assertTrue(failed.reason().endsWith("APNs accepts at most 4096"), failed.reason());
        assertEquals(List.of(), apns.received());
    }

    @Test
    void aTokenWithoutHexDigitsIsAnInvalidAddress() throws Exception {
        assertInstanceOf(SendOutcome.AddressInvalid.class, send(message("<xyz-zzz>", alert())));
        assertEquals(List.of(), apns.received());
    }

    @Test
    void retriesWhenNothingListens() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var config = new ApnsConfig(TOPIC, ApnsConfig.Environment.DEVELOPMENT, auth,
                Optional.of("127.0.0.1:" + port), Optional.of(TestCertificates.ca()));
        try (var unreachable = ApnsSender.create(config, resources, ApnsTuning.defaults(4, clock))) {
            var outcome = unreachable.send(acceptableMessage()).toCompletableFuture().get(20, TimeUnit.SECONDS);
            var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertTrue(retry.reason().startsWith("could not connect to APNs"), retry.reason());
        }
    }

    @Test
    void answersRetryWhenApnsDoesNotAnswerInTime() throws Exception {
        var release = new CountDownLatch(1);
        try (var slow = ApnsPeer.start(session -> (headers, payload) -> await(release));
             var impatient = ApnsSender.create(TestCredentials.config(slow, TOPIC, auth), resources,
                     ApnsTuning.defaults(4, clock).withReplyDeadline(Duration.ofMillis(300)))) {
            var outcome = impatient.send(acceptableMessage()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertTrue(retry.reason().startsWith("no answer from APNs within"), retry.reason());
            release.countDown();
        } finally {
            release.countDown();
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
