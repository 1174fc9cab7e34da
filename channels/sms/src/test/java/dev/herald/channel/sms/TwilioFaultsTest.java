package dev.herald.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.SmsMessage.SmsSender;
import dev.herald.channel.testkit.ResettingPeer;
import dev.herald.config.Secret;
import dev.herald.config.TwilioConfig;
import dev.herald.testkit.MutableClock;
import dev.herald.testkit.TwilioPeer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault injection against loopback peers. Covered elsewhere, not repeated here: nothing listening
 * ({@link TwilioSmsSenderTest#retriesWhenNothingListens}: Retry "connection failed"), Twilio slower than the response
 * timeout ({@link TwilioSmsSenderTest#retriesWhenTwilioDoesNotAnswerInTime}: Retry "timed out", one request), one 429
 * with and without Retry-After ({@link TwilioSmsSenderTest#tooManyRequestsPausesTheSenderForRetryAfterInsteadOfCountingAsAFailure}),
 * an HTTP-date Retry-After ({@link TwilioSmsSenderTest#measuresAnHttpDateRetryAfterAgainstTheSendersClock}), a
 * 2xx whose body is unreadable ({@link TwilioSmsSenderTest#anUnreadableSuccessIsStillAcceptedSoItIsNotSentTwice}).
 * Not applicable: DNS failure (the Twilio SDK's HttpClient resolves api_base with the JVM's resolver; there is no
 * resolver seam to stub, and the tests must not ask real DNS).
 */
final class TwilioFaultsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private ExecutorService virtualThreads;

    @BeforeEach
    void start() {
        virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterEach
    void stop() {
        virtualThreads.close();
    }

    private TwilioSmsSender sender(URI apiBase) {
        return TwilioSmsSender.create(new TwilioConfig(TwilioPeer.ACCOUNT_SID, Secret.of(TwilioPeer.AUTH_TOKEN),
                Optional.of(apiBase)), virtualThreads, clock, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    private static SmsMessage sms() {
        return new SmsMessage(new DeliveryRef(UUID.randomUUID(), 1), "+15558675310",
                new SmsSender.Number("+15005550006"), "Your code is 4242", List.of(), Optional.empty());
    }

    private static SendOutcome send(TwilioSmsSender s) throws Exception {
        return s.send(sms()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aResetAfterTheRequestIsRetriedThoughTwilioMayHaveCreatedTheMessage() throws Exception {
        try (var peer = new ResettingPeer(ResettingPeer.Mode.RESET_AFTER_REQUEST);
             var s = sender(peer.url("http", ""))) {
            var outcome = send(s);
            var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertEquals(SendOutcome.Retry.Scope.PROVIDER, retry.scope());
            // The request was written in full before the reset: message creation is not idempotent, so this retry
            // may send a duplicate SMS (TwilioOutcomes' class comment). Exactly one request, never repeated here.
            assertEquals(1, peer.received().size());
            assertTrue(peer.received().get(0).contains("Body=Your+code+is+4242"), peer.received().get(0));
        }
    }

    @Test
    void aSuccessCutOffHalfWayThroughItsBodyIsAcceptedWithoutAnIdSoItIsNotSentTwice() throws Exception {
        try (var peer = new ResettingPeer(ResettingPeer.Mode.HALF_RESPONSE_THEN_CLOSE);
             var s = sender(peer.url("http", ""))) {
            var outcome = send(s);
            // Twilio answered 201/200: it has the message. Only the SID was lost with the rest of the body.
            var accepted = assertInstanceOf(SendOutcome.Accepted.class, outcome, outcome.describe());
            assertEquals(Optional.empty(), accepted.providerMessageId());
            assertEquals(1, peer.received().size());
        }
    }

    @Test
    void aStormOf429sThrottlesEverySendForItsRetryAfterAndOneSecondWithoutOne() throws Exception {
        try (var peer = new TwilioPeer(); var s = sender(peer.apiBase())) {
            peer.refuse(20429, 429, Map.of("Retry-After", "20"));
            List<CompletableFuture<SendOutcome>> storm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                storm.add(s.send(sms()).toCompletableFuture());
            }
            for (var f : storm) {
                var throttled = assertInstanceOf(SendOutcome.Throttled.class, f.get(10, TimeUnit.SECONDS));
                assertEquals(Duration.ofSeconds(20), throttled.retryAfter());
            }
            peer.refuse(20429, 429);
            storm.clear();
            for (int i = 0; i < 20; i++) {
                storm.add(s.send(sms()).toCompletableFuture());
            }
            for (var f : storm) {
                var throttled = assertInstanceOf(SendOutcome.Throttled.class, f.get(10, TimeUnit.SECONDS));
                assertEquals(TwilioOutcomes.DEFAULT_THROTTLE, throttled.retryAfter());
            }
            peer.refuse(20429, 429, Map.of("Retry-After", "86400"));
            assertEquals(Duration.ofHours(1), assertInstanceOf(SendOutcome.Throttled.class, send(s)).retryAfter(),
                    "a day's Retry-After is capped at an hour");
            assertEquals(41, peer.received().size(), "one request per send: nothing repeats a 429");
        }
    }

    @Test
    void aStormOf503sIsRetriedHonouringRetryAfter() throws Exception {
        try (var peer = new TwilioPeer(); var s = sender(peer.apiBase())) {
            peer.refuse(20503, 503, Map.of("Retry-After", "9"));
            for (int i = 0; i < 5; i++) {
                assertEquals(Duration.ofSeconds(9), assertInstanceOf(SendOutcome.Retry.class, send(s)).after());
            }
            peer.refuse(20503, 503);
            assertEquals(Duration.ZERO, assertInstanceOf(SendOutcome.Retry.class, send(s)).after());
            assertEquals(6, peer.received().size());
        }
    }

    @Test
    void httpsToAPlainHttpApiBaseIsRetried() throws Exception {
        try (var plain = new ResettingPeer(ResettingPeer.Mode.PLAIN_HTTP_AT_FIRST_BYTES);
             var s = sender(plain.url("https", ""))) {
            var outcome = send(s);
            assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
        }
    }
}
