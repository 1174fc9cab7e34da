package dev.herald.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.SmsMessage.SmsSender;
import dev.herald.channel.testkit.SenderContract;
import dev.herald.config.Secret;
import dev.herald.config.TwilioConfig;
import dev.herald.testkit.MutableClock;
import dev.herald.testkit.TwilioPeer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class TwilioSmsSenderTest extends SenderContract<SmsMessage> {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private TwilioPeer peer;
    private ExecutorService virtualThreads;
    private TwilioSmsSender sender;

    @BeforeEach
    void start() throws IOException {
        peer = new TwilioPeer();
        virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
        sender = TwilioSmsSender.create(config(peer.apiBase()), virtualThreads, clock);
    }

    @AfterEach
    void stop() {
        sender.close();
        peer.close();
        virtualThreads.close();
    }

    @Override
    protected Sender<SmsMessage> newSender() {
        return TwilioSmsSender.create(config(peer.apiBase()), virtualThreads, clock);
    }

    @Override
    protected SmsMessage acceptableMessage() {
        return sms(new SmsSender.Number("+15005550006"), "Your code is 4242", List.of(), Optional.empty());
    }

    @Test
    void createsTheMessageWithBasicAuthAndFormParametersAndReturnsItsSid() throws Exception {
        var callback = URI.create("https://herald.example.com/herald/v1/callbacks/twilio/acme");
        var media = URI.create("https://cdn.example.com/cat.png");
        var accepted = assertInstanceOf(SendOutcome.Accepted.class,
                send(sms(new SmsSender.Number("+15005550006"), "Hi Ana", List.of(media), Optional.of(callback))));

        var request = onlyRequest();
        assertEquals(request.sid(), accepted.providerMessageId());
        assertFalse(accepted.finalHop(), "Twilio queued is sent, not delivered");
        assertEquals("POST", request.method());
        assertEquals(TwilioPeer.MESSAGES_PATH, request.path());
        String credentials = TwilioPeer.ACCOUNT_SID + ":" + TwilioPeer.AUTH_TOKEN;
        assertEquals("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)),
                request.header("Authorization"));
        assertTrue(request.header("Content-Type").startsWith("application/x-www-form-urlencoded"),
                request.header("Content-Type"));
        var form = request.form();
        assertEquals(List.of("+15558675310"), form.get("To"));
        assertEquals(List.of("+15005550006"), form.get("From"));
        assertEquals(List.of("Hi Ana"), form.get("Body"));
        assertEquals(List.of(media.toString()), form.get("MediaUrl"));
        assertEquals(List.of(callback.toString()), form.get("StatusCallback"));
        assertFalse(form.containsKey("MessagingServiceSid"));
    }

    @Test
    void sendsFromAMessagingServiceWithoutAFromNumber() throws Exception {
        send(sms(new SmsSender.MessagingService("MG9752274e9e519418a7406176694466fa"), "Sale today", List.of(),
                Optional.empty()));
        var form = onlyRequest().form();
        assertEquals(List.of("MG9752274e9e519418a7406176694466fa"), form.get("MessagingServiceSid"));
        assertEquals(List.of("Sale today"), form.get("Body"));
        assertFalse(form.containsKey("From"));
        assertFalse(form.containsKey("StatusCallback"));
    }

    @Test
    void sendsAnMmsWithoutTextAsMediaOnly() throws Exception {
        var first = URI.create("https://cdn.example.com/1.jpg");
        var second = URI.create("https://cdn.example.com/2.jpg");
        send(sms(new SmsSender.Number("+15005550006"), "", List.of(first, second), Optional.empty()));
        var form = onlyRequest().form();
        assertEquals(List.of(first.toString(), second.toString()), form.get("MediaUrl"));
        assertFalse(form.containsKey("Body"), "no empty Body with media");
    }

    @Test
    void sendReturnsBeforeTheSdkCallRuns() throws Exception {
        List<Runnable> held = new ArrayList<>();
        try (var holding = TwilioSmsSender.create(config(peer.apiBase()), held::add, clock)) {
            var pending = holding.send(acceptableMessage()).toCompletableFuture();
            assertFalse(pending.isDone());
            assertEquals(0, peer.received().size(), "nothing runs on the caller's thread");
            held.forEach(Runnable::run);
            assertInstanceOf(SendOutcome.Accepted.class, pending.get(20, TimeUnit.SECONDS));
        }
    }

    static Stream<Arguments> twilioErrors() {
        return Stream.of(
                Arguments.of(21211, 400, SendOutcome.AddressInvalid.class),
                Arguments.of(21614, 400, SendOutcome.AddressInvalid.class),
                Arguments.of(21612, 400, SendOutcome.AddressInvalid.class),
                Arguments.of(21635, 400, SendOutcome.AddressInvalid.class),
                Arguments.of(21610, 400, SendOutcome.Failed.class),
                Arguments.of(21606, 400, SendOutcome.Failed.class),
                Arguments.of(20003, 401, SendOutcome.Throttled.class),
                Arguments.of(20429, 429, SendOutcome.Throttled.class),
                Arguments.of(20500, 500, SendOutcome.Retry.class),
                Arguments.of(20503, 503, SendOutcome.Retry.class));
    }

    @ParameterizedTest(name = "{0} / HTTP {1} -> {2}")
    @MethodSource("twilioErrors")
    void mapsEachTwilioErrorToItsOutcomeAfterOneRequest(int code, int status, Class<? extends SendOutcome> expected)
            throws Exception {
        peer.refuse(code, status);
        var outcome = send(acceptableMessage());
        assertInstanceOf(expected, outcome, outcome.describe());
        assertTrue(outcome.describe().contains(String.valueOf(code)), outcome.describe());
        assertEquals(1, peer.received().size(), "one Herald attempt is one HTTP request");
    }

    @Test
    void aRecipientWhoRepliedStopFailsAsOptedOut() throws Exception {
        peer.refuse(21610, 400);
        var failed = assertInstanceOf(SendOutcome.Failed.class, send(acceptableMessage()));
        assertEquals(SendOutcome.Failed.Cause.RECIPIENT_OPTED_OUT, failed.cause());
        assertEquals("Twilio 21610 (HTTP 400): Error 21610 from Twilio (https://www.twilio.com/docs/errors/21610)",
                failed.reason());
    }

    @Test
    void aRejectedCredentialParksTheAccountForFiveMinutes() throws Exception {
        peer.refuse(20003, 401);
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage()));
        assertEquals(Duration.ofMinutes(5), throttled.retryAfter());
        assertTrue(throttled.reason().startsWith("credential rejected: Twilio 20003 (HTTP 401)"), throttled.reason());
        assertFalse(throttled.reason().contains(TwilioPeer.AUTH_TOKEN));
    }

    @Test
    void otherClientErrorsFailWithCodeMessageAndLink() throws Exception {
        peer.refuse(21606, 400);
        var failed = assertInstanceOf(SendOutcome.Failed.class, send(acceptableMessage()));
        assertEquals("Twilio 21606 (HTTP 400): Error 21606 from Twilio (https://www.twilio.com/docs/errors/21606)",
                failed.reason());
        assertEquals(SendOutcome.Failed.Cause.MESSAGE, failed.cause(), "only 21610 is an opt-out");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {429, 500, 503})
    void makesExactlyOneRequestForARetryableAnswer(int status) throws Exception {
        peer.refuse(status == 429 ? 20429 : 20000 + status, status);
        var outcome = send(acceptableMessage());
        assertTrue(outcome instanceof SendOutcome.Retry || outcome instanceof SendOutcome.Throttled,
                outcome.describe());
        assertEquals(1, peer.received().size(), "neither the SDK nor HttpClient may repeat the request");
    }

    @Test
    void tooManyRequestsPausesTheSenderForRetryAfterInsteadOfCountingAsAFailure() throws Exception {
        peer.refuse(20429, 429, Map.of("Retry-After", "7"));
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage()));
        assertEquals(Duration.ofSeconds(7), throttled.retryAfter());
        peer.refuse(20429, 429);
        assertEquals(TwilioOutcomes.DEFAULT_THROTTLE,
                assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage())).retryAfter());
    }

    @Test
    void measuresAnHttpDateRetryAfterAgainstTheSendersClock() throws Exception {
        peer.refuse(20429, 429, Map.of("Retry-After", "Mon, 23 Nov 2026 10:01:30 GMT"));
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage()));
        assertEquals(Duration.ofSeconds(90), throttled.retryAfter());
        clock.advance(Duration.ofMinutes(1));
        var later = assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage()));
        assertEquals(Duration.ofSeconds(30), later.retryAfter(), "the same date, a minute later");
    }

    @Test
    void aProxyErrorPageIsJudgedByItsHttpStatus() throws Exception {
        peer.answer(502, Map.of("Content-Type", "text/html"), "<html><body>Bad Gateway</body></html>");
        var retry = assertInstanceOf(SendOutcome.Retry.class, send(acceptableMessage()));
        assertTrue(retry.reason().startsWith("HTTP 502"), retry.reason());
        peer.answer(401, Map.of("Content-Type", "text/html"), "<html>denied</html>");
        assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage()));
    }

    @Test
    void anUnreadableSuccessIsStillAcceptedSoItIsNotSentTwice() throws Exception {
        peer.answer(201, Map.of("Content-Type", "application/json"), "{\"sid\": ");
        var accepted = assertInstanceOf(SendOutcome.Accepted.class, send(acceptableMessage()));
        assertEquals(Optional.empty(), accepted.providerMessageId());
    }

    @Test
    void aSuccessWithoutAMessageSidIsRetriedNotRecordedAsSent() throws Exception {
        peer.answer(200, Map.of("Content-Type", "application/json"), "{}");
        var retry = assertInstanceOf(SendOutcome.Retry.class, send(acceptableMessage()));
        assertTrue(retry.reason().contains("without a message SID"), retry.reason());
    }

    @Test
    void retriesWhenNothingListens() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (var nowhere = TwilioSmsSender.create(config(URI.create("http://127.0.0.1:" + port)), virtualThreads,
                clock)) {
            var outcome = nowhere.send(acceptableMessage()).toCompletableFuture().get(20, TimeUnit.SECONDS);
            var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertTrue(retry.reason().startsWith("connection failed"), retry.reason());
        }
    }

    @Test
    void retriesWhenTwilioDoesNotAnswerInTime() throws Exception {
        var release = new CountDownLatch(1);
        peer.acceptWhenReleased(release, Duration.ofSeconds(10));
        try (var impatient = TwilioSmsSender.create(config(peer.apiBase()), virtualThreads, clock,
                Duration.ofSeconds(2), Duration.ofMillis(300))) {
            var outcome = impatient.send(acceptableMessage()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertTrue(retry.reason().startsWith("timed out"), retry.reason());
            assertEquals(1, peer.received().size());
        } finally {
            release.countDown();
        }
    }

    @Test
    void waitsForAPooledConnectionNoLongerThanTheConnectTimeout() throws Exception {
        var release = new CountDownLatch(1);
        peer.acceptWhenReleased(release, Duration.ofSeconds(20));
        // The SDK stamps a 10 s pool wait and a 30.5 s connect timeout on each request; ours must win.
        try (var busy = TwilioSmsSender.create(config(peer.apiBase()), virtualThreads, clock,
                Duration.ofMillis(300), Duration.ofSeconds(20))) {
            var sends = Stream.generate(this::acceptableMessage).limit(21)
                    .map(m -> busy.send(m).toCompletableFuture()).toList();
            var first = CompletableFuture.anyOf(sends.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            var retry = assertInstanceOf(SendOutcome.Retry.class, first);
            assertTrue(retry.reason().startsWith("timed out"), retry.reason());
        } finally {
            release.countDown();
        }
    }

    @Test
    void refusesAnApiBaseWithAPath() {
        var e = assertThrows(IllegalArgumentException.class, () -> TwilioSmsSender.create(
                config(URI.create("https://proxy.example.com/twilio")), virtualThreads, clock));
        assertEquals("twilio api_base must be http(s)://host[:port] without a path, was "
                + "https://proxy.example.com/twilio", e.getMessage());
    }

    private SendOutcome send(SmsMessage m) throws Exception {
        return sender.send(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private TwilioPeer.Request onlyRequest() {
        assertEquals(1, peer.received().size());
        return peer.received().get(0);
    }

    private static TwilioConfig config(URI apiBase) {
        return new TwilioConfig(TwilioPeer.ACCOUNT_SID, Secret.of(TwilioPeer.AUTH_TOKEN), Optional.of(apiBase));
    }

    private static SmsMessage sms(SmsSender from, String body, List<URI> media, Optional<URI> callback) {
        return new SmsMessage(new DeliveryRef(UUID.randomUUID(), 1), "+15558675310", from, body, media, callback);
    }
}
