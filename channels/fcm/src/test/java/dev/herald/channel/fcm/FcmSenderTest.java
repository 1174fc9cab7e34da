package dev.herald.channel.fcm;

import static dev.herald.channel.fcm.FcmPeer.PROJECT;
import static dev.herald.channel.fcm.FcmPeer.SEND_PATH;
import static dev.herald.channel.fcm.FcmPeer.accepted;
import static dev.herald.channel.fcm.FcmPeer.badRequest;
import static dev.herald.channel.fcm.FcmPeer.error;
import static dev.herald.channel.fcm.FcmPeer.fcmError;
import static dev.herald.channel.fcm.FcmPeer.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.oauth2.GoogleCredentials;
import dev.herald.channel.AndroidPush;
import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.channel.testkit.SenderContract;
import dev.herald.config.FcmConfig;
import dev.herald.config.Secret;
import dev.herald.testkit.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class FcmSenderTest extends SenderContract<AndroidPushMessage> {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<FcmSender> senders = new ArrayList<>();
    private HttpPeer peer;

    @BeforeEach
    void start() throws IOException {
        peer = new HttpPeer().answer(200, Map.of("Content-Type", "application/json"), accepted("0:1"));
    }

    @AfterEach
    void stop() {
        release.countDown();
        senders.forEach(FcmSender::close);
        peer.close();
    }

    @Override
    protected Sender<AndroidPushMessage> newSender() {
        return FcmSender.create(config(peer.url("")), 2, clock);
    }

    @Override
    protected AndroidPushMessage acceptableMessage() {
        return message("token-" + UUID.randomUUID(), AndroidPush.notification("Hi", "Hello"));
    }

    private static FcmConfig config(URI endpoint) {
        return new FcmConfig(PROJECT, Secret.of("{\"unused\":\"with an endpoint\"}"), Optional.of(endpoint));
    }

    private FcmSender sender(int maxConcurrency, Duration attemptTimeout) {
        return sender(config(peer.url("")), maxConcurrency, attemptTimeout);
    }

    private FcmSender sender(FcmConfig config, int maxConcurrency, Duration attemptTimeout) {
        return sender(config, FcmSender.credentials(config), maxConcurrency, attemptTimeout);
    }

    private FcmSender sender(FcmConfig config, GoogleCredentials credentials, int maxConcurrency,
                             Duration attemptTimeout) {
        FcmSender s = FcmSender.create(config, credentials, maxConcurrency, attemptTimeout, clock);
        senders.add(s);
        return s;
    }

    private static AndroidPushMessage message(String token, AndroidPush push) {
        return new AndroidPushMessage(new DeliveryRef(UUID.randomUUID(), 1), token, push);
    }

    private static AndroidPushMessage to(String token) {
        return message(token, AndroidPush.notification("Hi", "Hello"));
    }

    private SendOutcome send(String token) throws Exception {
        return send(sender(4, Duration.ofSeconds(20)), to(token));
    }

    private static SendOutcome send(FcmSender sender, AndroidPushMessage m) throws Exception {
        return sender.send(m).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void answerError(int status, String body) {
        peer.answer(status, Map.of("Content-Type", "application/json"), body);
    }

    private static AndroidPush fullPush(boolean sendToSync, Duration ttl) {
        return new AndroidPush(Optional.of("Your order shipped"), Optional.of("Acme"),
                Map.of("order", "A-17", "uri", "overridden"), Optional.of(1), Optional.of("high"),
                Optional.of("orders"), Optional.of(ttl), Optional.of("shipping"), Optional.of("chime"),
                Optional.of("acme://orders/A-17"), sendToSync, Optional.of("1 new order"), Optional.of(42),
                Optional.of("https://img.acme.test/box.png"));
    }

    @Test
    void postsTheTypedPushToTheProjectsSendPathWithTheFixedBearerToken() throws Exception {
        var outcome = send(sender(4, Duration.ofSeconds(20)), message("tok-1", fullPush(false, Duration.ofHours(1))));

        var accepted = assertInstanceOf(SendOutcome.Accepted.class, outcome);
        assertEquals(Optional.of("projects/" + PROJECT + "/messages/0:1"), accepted.providerMessageId());
        assertFalse(accepted.finalHop(), "FCM's acceptance is not evidence of delivery");
        var request = peer.received().get(0);
        assertEquals("POST", request.method());
        assertEquals(SEND_PATH, request.path());
        assertEquals("Bearer " + FcmSender.FIXED_TOKEN, request.header("Authorization"));
        var message = FcmPeer.message(request.body());
        assertEquals("tok-1", message.get("token"));
        assertEquals(Map.of("order", "A-17", "uri", "acme://orders/A-17", "s", "1 new order", "n", "42"),
                message.get("data"));
        var android = map(message.get("android"));
        assertEquals("high", android.get("priority"));
        assertEquals("orders", android.get("collapse_key"));
        assertEquals("3600s", android.get("ttl"));
        var notification = map(android.get("notification"));
        assertEquals("Acme", notification.get("title"));
        assertEquals("Your order shipped", notification.get("body"));
        assertEquals("PRIORITY_HIGH", notification.get("notification_priority"));
        assertEquals("shipping", notification.get("channel_id"));
        assertEquals("chime", notification.get("sound"));
        assertEquals("https://img.acme.test/box.png", notification.get("image"));
        assertEquals("42", notification.get("tag"));
        assertNull(notification.get("click_action"), "a URL is not an intent action");
    }

    @Test
    void sendToSyncSendsADataOnlyMessage() throws Exception {
        send(sender(4, Duration.ofSeconds(20)), message("tok-1", fullPush(true, Duration.ofMinutes(5))));

        var message = FcmPeer.message(peer.received().get(0).body());
        var android = map(message.get("android"));
        assertNull(android.get("notification"), "a sync push has no notification block");
        assertNull(message.get("notification"));
        assertEquals("A-17", map(message.get("data")).get("order"));
        assertEquals("300s", android.get("ttl"));
    }

    @Test
    void clampsTimeToLiveToFcmsFourWeeks() throws Exception {
        send(sender(4, Duration.ofSeconds(20)), message("tok-1", fullPush(false, Duration.ofDays(60))));

        var android = map(FcmPeer.message(peer.received().get(0).body()).get("android"));
        assertEquals("2419200s", android.get("ttl"));
    }

    @Test
    void routesEveryRequestUnderTheEndpointsBasePath() throws Exception {
        var s = sender(config(peer.url("/fcm-proxy/")), 1, Duration.ofSeconds(20));
        assertInstanceOf(SendOutcome.Accepted.class, send(s, acceptableMessage()));
        assertEquals("/fcm-proxy" + SEND_PATH, peer.received().get(0).path());
    }

    @Test
    void unregisteredTokenIsAnInvalidAddress() throws Exception {
        answerError(404, error(404, "NOT_FOUND", "Requested entity was not found.", fcmError("UNREGISTERED")));
        var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class, send("gone"));
        assertTrue(invalid.reason().startsWith("UNREGISTERED"), invalid.reason());
    }

    @Test
    void tokenOfAnotherSenderIsAnInvalidAddress() throws Exception {
        answerError(403, error(403, "PERMISSION_DENIED", "SenderId mismatch", fcmError("SENDER_ID_MISMATCH")));
        var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class, send("foreign"));
        assertTrue(invalid.reason().startsWith("SENDER_ID_MISMATCH"), invalid.reason());
    }

    @Test
    void invalidArgumentAboutTheTokenIsAnInvalidAddress() throws Exception {
        answerError(400, error(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token",
                fcmError("INVALID_ARGUMENT")));
        assertInstanceOf(SendOutcome.AddressInvalid.class, send("garbled"));

        answerError(400, error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.",
                badRequest("message.token"), fcmError("INVALID_ARGUMENT")));
        assertInstanceOf(SendOutcome.AddressInvalid.class, send("garbled"));
    }

    @Test
    void invalidArgumentAboutThePayloadFailsTheMessageOnly() throws Exception {
        answerError(400, error(400, "INVALID_ARGUMENT", "Invalid data payload key: from",
                badRequest("message.data"), fcmError("INVALID_ARGUMENT")));
        var failed = assertInstanceOf(SendOutcome.Failed.class, send("fine-token"));
        assertTrue(failed.reason().contains("Invalid data payload key"), failed.reason());
    }

    @Test
    void quotaExceededRetriesThatDeliveryAfterRetryAfter() throws Exception {
        peer.answer(429, Map.of("Content-Type", "application/json", "Retry-After", "30"),
                error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", fcmError("QUOTA_EXCEEDED")));
        var retry = assertInstanceOf(SendOutcome.Retry.class, send("busy-device"));
        assertEquals(Duration.ofSeconds(30), retry.after());

        answerError(429, error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", fcmError("QUOTA_EXCEEDED")));
        var withoutHeader = assertInstanceOf(SendOutcome.Retry.class, send("busy-device"));
        assertEquals(FcmOutcomes.QUOTA_DEFAULT_WAIT, withoutHeader.after(), "FCM advises 60 s without Retry-After");
    }

    @Test
    void measuresAnHttpDateRetryAfterAgainstTheSendersClock() throws Exception {
        peer.answer(429, Map.of("Content-Type", "application/json", "Retry-After", "Mon, 23 Nov 2026 10:00:40 GMT"),
                error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", fcmError("QUOTA_EXCEEDED")));
        try (var s = FcmSender.create(config(peer.url("")), 1, clock)) {
            var retry = assertInstanceOf(SendOutcome.Retry.class, send(s, to("busy-device")));
            assertEquals(Duration.ofSeconds(40), retry.after());
            clock.advance(Duration.ofSeconds(30));
            assertEquals(Duration.ofSeconds(10), assertInstanceOf(SendOutcome.Retry.class,
                    send(s, to("busy-device"))).after(), "the same date, 30 s later on the sender's clock");
        }
    }

    @Test
    void manyTokensOverQuotaTogetherThrottleTheProject() throws Exception {
        peer.answer(429, Map.of("Content-Type", "application/json", "Retry-After", "45"),
                error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", fcmError("QUOTA_EXCEEDED")));
        var s = sender(4, Duration.ofSeconds(20));
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(SendOutcome.Retry.class, send(s, to("hot-device")),
                    "one device over its own quota is not the project's problem");
        }
        for (int i = 1; i < FcmSender.QUOTA_BURST_TOKENS - 1; i++) {
            assertInstanceOf(SendOutcome.Retry.class, send(s, to("device-" + i)));
            clock.advance(Duration.ofMillis(500));
        }
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, send(s, to("device-last")));
        assertEquals(Duration.ofSeconds(45), throttled.retryAfter());
        assertTrue(throttled.reason().startsWith("project quota exceeded"), throttled.reason());
    }

    @Test
    void serviceUnavailableRetriedByTheSdkIsOneHeraldAttempt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        peer.answer(ex -> {
            if (calls.incrementAndGet() == 1) {
                HttpPeer.reply(ex, 503, Map.of("Retry-After", "1"),
                        error(503, "UNAVAILABLE", "The service is currently unavailable.", fcmError("UNAVAILABLE")));
            } else {
                HttpPeer.reply(ex, 200, Map.of("Content-Type", "application/json"), accepted("0:2"));
            }
        });
        assertInstanceOf(SendOutcome.Accepted.class, send("tok"));
        assertEquals(2, peer.received().size(), "the SDK's own 503 retry happened inside the one attempt");
    }

    @Test
    void serviceUnavailableAfterTheSdksRetriesIsOneRetryOutcome() throws Exception {
        peer.answer(503, Map.of("Content-Type", "application/json", "Retry-After", "1"),
                error(503, "UNAVAILABLE", "The service is currently unavailable.", fcmError("UNAVAILABLE")));
        var retry = assertInstanceOf(SendOutcome.Retry.class, send("tok"));
        assertTrue(retry.reason().startsWith("UNAVAILABLE"), retry.reason());
        assertEquals(Duration.ofSeconds(1), retry.after());
        assertEquals(5, peer.received().size(), "one request and the SDK's 4 retries: one Herald attempt");
    }

    @Test
    void serviceUnavailableWithALongRetryAfterIsPassedOnWithoutSdkRetries() throws Exception {
        peer.answer(503, Map.of("Content-Type", "application/json", "Retry-After", "120"),
                error(503, "UNAVAILABLE", "The service is currently unavailable.", fcmError("UNAVAILABLE")));
        var retry = assertInstanceOf(SendOutcome.Retry.class, send("tok"));
        assertEquals(Duration.ofSeconds(120), retry.after());
        assertEquals(1, peer.received().size(), "the SDK does not wait longer than 60 s, so it does not retry");
    }

    @Test
    void internalErrorRetries() throws Exception {
        answerError(500, error(500, "INTERNAL", "Internal error encountered.", fcmError("INTERNAL")));
        var retry = assertInstanceOf(SendOutcome.Retry.class, send("tok"));
        assertTrue(retry.reason().startsWith("INTERNAL"), retry.reason());
        assertEquals(1, peer.received().size(), "the SDK does not retry 500");
    }

    @Test
    void closedPortRetries() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var s = sender(config(URI.create("http://127.0.0.1:" + port)), 1, Duration.ofSeconds(20));
        var retry = assertInstanceOf(SendOutcome.Retry.class, send(s, acceptableMessage()));
        assertTrue(retry.reason().contains("Connection refused"), retry.reason());
    }

    @Test
    void connectionClosedMidResponseRetries() throws Exception {
        peer.answer(ex -> {
            ex.sendResponseHeaders(200, 1000);
            ex.getResponseBody().write("{\"name\":".getBytes(StandardCharsets.UTF_8));
            ex.close(); // 992 bytes short: the server drops the connection mid-body
        });
        assertInstanceOf(SendOutcome.Retry.class, send("tok"));
    }

    @Test
    void thirdPartyAuthErrorParksTheCredential() throws Exception {
        answerError(401, error(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service",
                fcmError("THIRD_PARTY_AUTH_ERROR")));
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, send("tok"));
        assertEquals(Duration.ofMinutes(5), throttled.retryAfter());
        assertTrue(throttled.reason().startsWith("credential rejected: THIRD_PARTY_AUTH_ERROR"), throttled.reason());
        assertEquals(5, peer.received().size(), "the HTTP client refreshes the token and resends each 401, "
                + "4 times at most, all inside the one attempt");
    }

    @Test
    void unauthenticatedWithoutAnFcmCodeParksTheCredential() throws Exception {
        answerError(401, error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."));
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, send("tok"));
        assertTrue(throttled.reason().startsWith("credential rejected: UNAUTHENTICATED"), throttled.reason());
    }

    @Test
    void aWrongProjectOrMissingPermissionParksTheCredential() throws Exception {
        answerError(404, error(404, "NOT_FOUND", "Requested entity was not found."));
        var notFound = assertInstanceOf(SendOutcome.Throttled.class, send("tok"));
        assertTrue(notFound.reason().startsWith("credential rejected: NOT_FOUND"), notFound.reason());

        answerError(403, error(403, "PERMISSION_DENIED", "Permission 'cloudmessaging.messages.create' denied"));
        var denied = assertInstanceOf(SendOutcome.Throttled.class, send("tok"));
        assertTrue(denied.reason().startsWith("credential rejected: PERMISSION_DENIED"), denied.reason());
    }

    @Test
    void anAttemptWithoutAnswerWithinTheTimeoutRetries() throws Exception {
        peer.answer(ex -> {
            awaitRelease();
            HttpPeer.reply(ex, 200, Map.of(), accepted("late"));
        });
        var s = sender(1, Duration.ofMillis(300));
        var retry = assertInstanceOf(SendOutcome.Retry.class, send(s, acceptableMessage()));
        assertTrue(retry.reason().startsWith("no answer from FCM"), retry.reason());
    }

    @Test
    void neverHasMoreThanMaxConcurrencyRequestsAtFcm() throws Exception {
        AtomicInteger atPeer = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch twoArrived = new CountDownLatch(2);
        peer.answer(ex -> {
            most.accumulateAndGet(atPeer.incrementAndGet(), Math::max);
            twoArrived.countDown();
            awaitRelease();
            atPeer.decrementAndGet();
            HttpPeer.reply(ex, 200, Map.of("Content-Type", "application/json"), accepted("0:9"));
        });
        var s = sender(2, Duration.ofSeconds(20));
        List<CompletableFuture<SendOutcome>> inFlight = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inFlight.add(s.send(acceptableMessage()).toCompletableFuture());
        }
        assertTrue(twoArrived.await(10, TimeUnit.SECONDS));
        assertEquals(4, s.queuedSends(), "the rest wait in the sender's queue, not at FCM");
        assertEquals(2, peer.received().size());
        release.countDown();
        for (var f : inFlight) {
            assertInstanceOf(SendOutcome.Accepted.class, f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(2, most.get());
        assertEquals(6, peer.received().size());
    }

    @Test
    void aFullQueueAnswersRetryAtOnce() throws Exception {
        peer.answer(ex -> {
            awaitRelease();
            HttpPeer.reply(ex, 200, Map.of("Content-Type", "application/json"), accepted("0:3"));
        });
        var s = sender(1, Duration.ofSeconds(20));
        List<CompletableFuture<SendOutcome>> admitted = new ArrayList<>();
        for (int i = 0; i < 1 + FcmSender.QUEUED_SENDS_PER_THREAD; i++) {
            admitted.add(s.send(acceptableMessage()).toCompletableFuture());
        }
        var rejected = s.send(acceptableMessage()).toCompletableFuture();
        assertTrue(rejected.isDone(), "a saturated sender answers without blocking or waiting");
        var retry = assertInstanceOf(SendOutcome.Retry.class, rejected.get());
        assertTrue(retry.reason().contains("saturated"), retry.reason());
        release.countDown();
        for (var f : admitted) {
            assertInstanceOf(SendOutcome.Accepted.class, f.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingEndsSendsInFlightAndQueuedWithRetry() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        peer.answer(ex -> {
            arrived.countDown();
            awaitRelease();
            HttpPeer.reply(ex, 200, Map.of("Content-Type", "application/json"), accepted("0:5"));
        });
        var s = sender(1, Duration.ofSeconds(20));
        List<CompletableFuture<SendOutcome>> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inFlight.add(s.send(acceptableMessage()).toCompletableFuture());
        }
        assertTrue(arrived.await(10, TimeUnit.SECONDS));
        s.close();
        for (var f : inFlight) {
            assertInstanceOf(SendOutcome.Retry.class, f.getNow(null), "answered by the time close returns");
        }
    }

    @Test
    void anUnreadableServiceAccountIsRefusedWithoutShowingIt() {
        var config = new FcmConfig(PROJECT, Secret.of("{\"type\":\"service_account\",\"private_key\":\"SECRET-KEY"),
                Optional.empty());
        var e = assertThrows(IllegalArgumentException.class, () -> FcmSender.create(config, 1, clock));
        assertFalse(e.getMessage().contains("SECRET-KEY"), e.getMessage());
        assertTrue(e.getMessage().contains(PROJECT), e.getMessage());
    }

    @Test
    void readsAServiceAccountWithoutContactingGoogle() {
        var json = ServiceAccounts.json(PROJECT, peer.url("/token"));
        var s = sender(new FcmConfig(PROJECT, Secret.of(json), Optional.empty()), 1, Duration.ofSeconds(20));
        s.close();
        assertEquals(List.of(), peer.received(), "no OAuth exchange before the first send");
    }

    @Test
    void aServiceAccountRefusedByTheTokenEndpointParksTheCredential() throws Exception {
        peer.answer(ex -> {
            if (ex.getRequestURI().getPath().equals("/token")) {
                HttpPeer.reply(ex, 400, Map.of("Content-Type", "application/json"),
                        "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
            } else {
                HttpPeer.reply(ex, 200, Map.of("Content-Type", "application/json"), accepted("0:4"));
            }
        });
        var account = new FcmConfig(PROJECT, Secret.of(ServiceAccounts.json(PROJECT, peer.url("/token"))),
                Optional.empty());
        var s = sender(config(peer.url("")), FcmSender.credentials(account), 1, Duration.ofSeconds(20));

        var throttled = assertInstanceOf(SendOutcome.Throttled.class, send(s, acceptableMessage()));
        assertEquals(FcmOutcomes.CREDENTIAL_PAUSE, throttled.retryAfter());
        assertTrue(throttled.reason().startsWith("credential rejected: OAuth token refused"), throttled.reason());
        assertTrue(peer.received().stream().noneMatch(r -> r.path().startsWith("/v1/")),
                "nothing is sent to FCM without a token");
    }

    @Test
    void refusesANonPositiveConcurrencyAndANonHttpEndpoint() {
        var e = assertThrows(IllegalArgumentException.class, () -> FcmSender.create(config(peer.url("")), 0, clock));
        assertEquals("maxConcurrency must be at least 1, was 0", e.getMessage());
        var ftp = config(URI.create("ftp://127.0.0.1/"));
        e = assertThrows(IllegalArgumentException.class, () -> FcmSender.create(ftp, 1, clock));
        assertEquals("FCM endpoint must be an http(s) URL with a host, was ftp://127.0.0.1/", e.getMessage());
    }

    private void awaitRelease() {
        HttpPeer.awaitRelease(release, Duration.ofSeconds(20));
    }
}
