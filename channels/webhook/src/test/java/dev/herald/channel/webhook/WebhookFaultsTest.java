package dev.herald.channel.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.WebhookMessage;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.channel.testkit.ResettingPeer;
import dev.herald.config.WebhookConfig;
import dev.herald.testkit.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fault injection against loopback peers: what one attempt answers when the target misbehaves. Covered elsewhere,
 * not repeated here: nothing listening ({@link WebhookSenderTest#retriesWhenNothingListens}: Retry "connection
 * failed"), a target slower than the response timeout ({@link WebhookSenderTest#retriesWhenTheTargetDoesNotAnswerInTime}:
 * Retry), one 429 with an HTTP-date, without and with an over-long Retry-After
 * ({@link WebhookSenderTest#tooManyRequestsThrottlesTheHostForItsRetryAfterInsteadOfFailing}), 503 with Retry-After
 * ({@link WebhookSenderTest#retriesServerErrorsHonouringRetryAfterSeconds}).
 */
final class WebhookFaultsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private static final WebhookConfig SHORT = new WebhookConfig(true, Duration.ofSeconds(1), Duration.ofSeconds(1), 16);

    private WebhookSender sender;

    @BeforeEach
    void start() {
        sender = WebhookSender.create(SHORT, CLOCK);
    }

    @AfterEach
    void stop() {
        sender.close();
    }

    private static WebhookMessage post(URI url) {
        return new WebhookMessage(new DeliveryRef(UUID.randomUUID(), 1), url, "POST", Map.of(), "{\"n\":1}");
    }

    private static SendOutcome send(WebhookSender s, WebhookMessage m) throws Exception {
        return s.send(m).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTargetThatResetsTheConnectionAfterTheRequestIsRetried() throws Exception {
        try (var peer = new ResettingPeer(ResettingPeer.Mode.RESET_AFTER_REQUEST)) {
            var m = post(peer.url("http", "/hook"));
            var retry = assertInstanceOf(SendOutcome.Retry.class, send(sender, m));
            assertEquals(Duration.ZERO, retry.after(), "the scheduler's backoff decides: " + retry.reason());
            assertEquals(SendOutcome.Retry.Scope.PROVIDER, retry.scope());
            assertEquals(1, peer.received().size(), "HttpClient's own retries are off");
            assertTrue(peer.received().get(0).contains("webhook-id: " + m.delivery().id()),
                    "the receiver can drop the duplicate the retry may make");
        }
    }

    @Test
    void aTargetThatHangsUpHalfWayThroughItsResponseIsRetriedNotDelivered() throws Exception {
        try (var peer = new ResettingPeer(ResettingPeer.Mode.HALF_RESPONSE_THEN_CLOSE)) {
            var outcome = send(sender, post(peer.url("http", "/hook")));
            // A 200 head whose body never completes is not a delivery the sender can vouch for: retried, and the
            // receiver drops the duplicate by webhook-id if it did act on the first request.
            assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
            assertEquals(1, peer.received().size());
        }
    }

    @Test
    void aStormOf429sThrottlesEverySendForItsRetryAfterAndNeverCountsAsAFailure() throws Exception {
        try (var peer = new HttpPeer()) {
            peer.answer(429, Map.of("Retry-After", "12"), "slow down");
            List<CompletableFuture<SendOutcome>> storm = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                storm.add(sender.send(post(peer.url("/hook"))).toCompletableFuture());
            }
            for (var f : storm) {
                var throttled = assertInstanceOf(SendOutcome.Throttled.class, f.get(10, TimeUnit.SECONDS));
                assertEquals(Duration.ofSeconds(12), throttled.retryAfter());
            }
            peer.answer(429, Map.of(), "");
            storm.clear();
            for (int i = 0; i < 40; i++) {
                storm.add(sender.send(post(peer.url("/hook"))).toCompletableFuture());
            }
            for (var f : storm) {
                var throttled = assertInstanceOf(SendOutcome.Throttled.class, f.get(10, TimeUnit.SECONDS));
                assertEquals(WebhookOutcomes.DEFAULT_THROTTLE, throttled.retryAfter(), "a second without Retry-After");
            }
            peer.answer(429, Map.of("Retry-After", "not a number"), "");
            assertEquals(WebhookOutcomes.DEFAULT_THROTTLE, assertInstanceOf(SendOutcome.Throttled.class,
                    send(sender, post(peer.url("/hook")))).retryAfter(), "an unreadable Retry-After is none");
            assertEquals(81, peer.received().size(), "one request per send: HttpClient never repeats a 429");
        }
    }

    @Test
    void aStormOf503sIsRetriedHonouringRetryAfterAndWithoutItLeavesTheDelayToTheScheduler() throws Exception {
        try (var peer = new HttpPeer()) {
            peer.answer(503, Map.of("Retry-After", "Mon, 23 Nov 2026 10:00:30 GMT"), "");
            for (int i = 0; i < 10; i++) {
                assertEquals(Duration.ofSeconds(30), assertInstanceOf(SendOutcome.Retry.class,
                        send(sender, post(peer.url("/hook")))).after());
            }
            peer.answer(503, Map.of(), "");
            assertEquals(Duration.ZERO, assertInstanceOf(SendOutcome.Retry.class,
                    send(sender, post(peer.url("/hook")))).after());
        }
    }

    @Test
    void httpsToAPlainHttpTargetFailsTheTlsHandshakeAndIsRetried() throws Exception {
        try (var plain = new ResettingPeer(ResettingPeer.Mode.PLAIN_HTTP_AT_FIRST_BYTES)) {
            var retry = assertInstanceOf(SendOutcome.Retry.class, send(sender, post(plain.url("https", "/hook"))));
            assertTrue(retry.reason().startsWith("TLS failed"), retry.reason());
        }
    }

    @Test
    void httpsToATargetWhoseCertificateIsNotTrustedIsRetriedWithoutSendingTheBody() throws Exception {
        var context = TestCertificates.serverContext();
        try (var tls = (SSLServerSocket) context.getServerSocketFactory().createServerSocket()) {
            tls.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            var served = Thread.ofVirtual().start(() -> {
                try (var s = tls.accept()) {
                    s.setSoTimeout(5_000);
                    s.getInputStream().read(); // the handshake runs here and fails on the client's side
                } catch (java.io.IOException expected) {
                    // the client aborts the handshake
                }
            });
            // The certificate is valid for 127.0.0.1 but signed by the test CA, which the JDK's trust store lacks.
            var retry = assertInstanceOf(SendOutcome.Retry.class,
                    send(sender, post(URI.create("https://127.0.0.1:" + tls.getLocalPort() + "/hook"))));
            assertTrue(retry.reason().startsWith("TLS failed"), retry.reason());
            served.join(5_000);
        }
    }

    @Test
    void aHostNameThatDoesNotResolveIsRetriedAsHostNotFoundWithoutRealDns() throws Exception {
        var guard = new SsrfGuard(true);
        // The stub knows one name; any other fails as DNS would (NXDOMAIN), and the machine's resolver is never asked.
        var resolver = new GuardedDnsResolver(guard, new FixedDnsResolver(Map.of("hooks.test", "127.0.0.1")));
        try (var peer = new HttpPeer(); var s = WebhookSender.create(SHORT, CLOCK, resolver, guard)) {
            var retry = assertInstanceOf(SendOutcome.Retry.class,
                    send(s, post(URI.create("http://gone.test:" + peer.port() + "/hook"))));
            assertTrue(retry.reason().startsWith("host not found"), retry.reason());
            assertTrue(retry.reason().contains("gone.test"), retry.reason());
            assertEquals(0, peer.received().size());

            // The same sender reaches a name the stub resolves: the failure was the name's, not the sender's.
            assertInstanceOf(SendOutcome.Accepted.class,
                    send(s, post(URI.create("http://hooks.test:" + peer.port() + "/hook"))));
            assertEquals(1, peer.received().size());
        }
    }
}
