package dev.herald.channel.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.channel.testkit.SenderContract;
import dev.herald.config.WebhookConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class WebhookSenderTest extends SenderContract<WebhookMessage> {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private static final WebhookConfig LOOPBACK_ALLOWED = new WebhookConfig(true, Duration.ofSeconds(2),
            Duration.ofSeconds(2), 16);

    private HttpPeer peer;
    private WebhookSender sender;

    @BeforeEach
    void start() throws IOException {
        peer = new HttpPeer();
        sender = WebhookSender.create(LOOPBACK_ALLOWED, CLOCK);
    }

    @AfterEach
    void stop() {
        sender.close();
        peer.close();
    }

    @Override
    protected Sender<WebhookMessage> newSender() {
        return WebhookSender.create(LOOPBACK_ALLOWED, CLOCK);
    }

    @Override
    protected WebhookMessage acceptableMessage() {
        return message("POST", peer.url("/hook"), Map.of(), "{\"a\":1}");
    }

    private static WebhookMessage message(String method, URI url, Map<String, String> headers, String body) {
        return new WebhookMessage(new DeliveryRef(UUID.randomUUID(), 1), url, method, headers, body);
    }

    private SendOutcome send(WebhookMessage m) throws Exception {
        return sender.send(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void sendsMethodHeadersBodyAndTheDeliveryIdAsWebhookId() throws Exception {
        var m = message("PUT", peer.url("/put?x=1"), Map.of("X-Test", "yes", "Content-Type", "text/csv"), "a,b");
        var accepted = assertInstanceOf(SendOutcome.Accepted.class, send(m));
        assertTrue(accepted.finalHop(), "a target's 2xx is evidence of delivery");
        var r = peer.received().get(0);
        assertEquals("PUT", r.method());
        assertEquals("/put?x=1", r.path());
        assertEquals("yes", r.header("X-Test"));
        assertTrue(r.header("Content-Type").startsWith("text/csv"));
        assertEquals(m.delivery().id().toString(), r.header("webhook-id"));
        assertEquals("a,b", r.body());
    }

    @Test
    void infersJsonContentTypeAndSendsNoBodyWithGet() throws Exception {
        send(message("POST", peer.url("/j"), Map.of(), " {\"n\":1}"));
        assertTrue(peer.received().get(0).header("Content-Type").startsWith("application/json"));
        send(message("GET", peer.url("/g"), Map.of(), "ignored"));
        assertEquals("", peer.received().get(1).body());
    }

    @Test
    void callerCannotOverrideTheWebhookId() throws Exception {
        var m = message("POST", peer.url("/"), Map.of("webhook-id", "forged"), "{}");
        send(m);
        assertEquals(m.delivery().id().toString(), peer.received().get(0).header("webhook-id"));
    }

    @Test
    void retriesServerErrorsHonouringRetryAfterSeconds() throws Exception {
        peer.answer(503, Map.of("Retry-After", "7"), "busy");
        var retry = assertInstanceOf(SendOutcome.Retry.class, send(acceptableMessage()));
        assertEquals(Duration.ofSeconds(7), retry.after());
        assertTrue(retry.reason().startsWith("HTTP 503"), retry.reason());
    }

    @Test
    void tooManyRequestsThrottlesTheHostForItsRetryAfterInsteadOfFailing() throws Exception {
        peer.answer(429, Map.of("Retry-After", "Mon, 23 Nov 2026 10:01:30 GMT"), "");
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage()));
        assertEquals(Duration.ofSeconds(90), throttled.retryAfter());
        peer.answer(429, Map.of(), "");
        assertEquals(WebhookOutcomes.DEFAULT_THROTTLE,
                assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage())).retryAfter());
        peer.answer(429, Map.of("Retry-After", "86400"), "");
        assertEquals(WebhookOutcomes.MAX_THROTTLE,
                assertInstanceOf(SendOutcome.Throttled.class, send(acceptableMessage())).retryAfter(),
                "a host cannot park its queue for a day");
    }

    @Test
    void retriesRequestTimeout() throws Exception {
        peer.answer(408, Map.of(), "");
        assertEquals(Duration.ZERO, assertInstanceOf(SendOutcome.Retry.class, send(acceptableMessage())).after());
    }

    @Test
    void failsOtherClientErrorsWithTheTargetsWords() throws Exception {
        peer.answer(404, Map.of(), "no such hook\n");
        var failed = assertInstanceOf(SendOutcome.Failed.class, send(acceptableMessage()));
        assertTrue(failed.reason().startsWith("HTTP 404"), failed.reason());
        assertTrue(failed.reason().endsWith("no such hook"), failed.reason());
    }

    @Test
    void neverFollowsRedirects() throws Exception {
        peer.answer(302, Map.of("Location", "http://169.254.169.254/latest"), "");
        var failed = assertInstanceOf(SendOutcome.Failed.class, send(acceptableMessage()));
        assertTrue(failed.reason().contains("redirect to http://169.254.169.254/latest not followed"), failed.reason());
        assertEquals(1, peer.received().size());
    }

    @Test
    void retriesWhenNothingListens() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var retry = assertInstanceOf(SendOutcome.Retry.class,
                send(message("POST", URI.create("http://127.0.0.1:" + port + "/"), Map.of(), "")));
        assertTrue(retry.reason().startsWith("connection failed"), retry.reason());
    }

    @Test
    void retriesWhenTheTargetDoesNotAnswerInTime() throws Exception {
        var release = new CountDownLatch(1);
        peer.answer(ex -> {
            HttpPeer.awaitRelease(release, Duration.ofSeconds(10));
            HttpPeer.reply(ex, 200, Map.of(), "");
        });
        var fast = new WebhookConfig(true, Duration.ofMillis(500), Duration.ofMillis(300), 4);
        try (var impatient = WebhookSender.create(fast, CLOCK)) {
            var outcome = impatient.send(acceptableMessage()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
        } finally {
            release.countDown();
        }
    }

    @Test
    void drainsAHugeResponseKeepingOnlyItsStart() throws Exception {
        peer.answer(500, Map.of(), "x".repeat(2_000_000));
        var retry = assertInstanceOf(SendOutcome.Retry.class, send(acceptableMessage()));
        assertTrue(retry.reason().length() < 300, "kept " + retry.reason().length() + " characters");
    }

    @Test
    void theDefaultGuardRefusesLoopbackLiteralsAndNamesWithoutConnecting() throws Exception {
        try (var guarded = WebhookSender.create(
                new WebhookConfig(false, Duration.ofSeconds(2), Duration.ofSeconds(2), 4), CLOCK)) {
            for (String host : new String[] {"127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]"}) {
                URI url = URI.create("http://" + host + ":" + peer.port() + "/");
                var outcome = guarded.send(message("POST", url, Map.of(), "{}")).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                var failed = assertInstanceOf(SendOutcome.Failed.class, outcome, host + ": " + outcome.describe());
                assertTrue(failed.reason().contains("is not allowed"), failed.reason());
            }
        }
        assertEquals(0, peer.received().size(), "the peer must never be contacted");
    }

    @Test
    void aHostNameResolvingToAPrivateAddressIsRefusedAtConnectTime() throws Exception {
        var guard = new SsrfGuard(false);
        // internal.test "rebinds" to a private address: the check runs on what the connection would use.
        var resolver = new GuardedDnsResolver(guard, new FixedDnsResolver(Map.of("internal.test", "10.1.2.3",
                "metadata.test", "169.254.169.254")));
        try (var guarded = WebhookSender.create(LOOPBACK_ALLOWED, CLOCK, resolver, guard)) {
            for (String host : new String[] {"internal.test", "metadata.test"}) {
                var outcome = guarded.send(message("POST", URI.create("http://" + host + "/"), Map.of(), "{}"))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS);
                var failed = assertInstanceOf(SendOutcome.Failed.class, outcome, outcome.describe());
                assertTrue(failed.reason().startsWith("webhook host " + host + " is not allowed"), failed.reason());
            }
        }
    }

    @Test
    void aRetryAfterThatIsNeitherSecondsNorADateIsIgnored() {
        assertNull(WebhookOutcomes.retryAfter("soon", CLOCK).orElse(null));
    }
}
