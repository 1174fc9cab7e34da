package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.Channel;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.delivery.Expander;
import dev.herald.gateway.delivery.OutcomeListener;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.NewDelivery;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Egress protection end to end: the relay's reserved slot, a webhook host's circuit breaker, a 429's pause, and
 * workspaces that do not share each other's breakers.
 */
final class EgressProtectionTest {
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private HeraldConfig withRelay(int smtpPort) {
        String yaml = GatewayFixture.yaml(dir, "").replace("\n  - id: other", "\n    email: { smtp: { host: 127.0.0.1, "
                + "port: " + smtpPort + ", starttls: disabled, pool: 4 } }\n  - id: other");
        return ConfigLoader.parse(yaml, SecretResolver.withEnvironment(Map.of()));
    }

    private static String email(String user) {
        return "{\"external_user_ids\":[\"" + user + "\"],\"messages\":{\"email\":{\"app_id\":\"a\",\"from\":"
                + "\"Acme <no-reply@acme.test>\",\"subject\":\"s\",\"body\":\"b\"}}}";
    }

    @Test
    void aPasswordResetGoesOutWithinTwoSecondsBehindTenThousandBulkEmailsOnTheSameRelay() throws Exception {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger mostActive = new AtomicInteger();
        try (var relay = new RelayPeer(); var gw = GatewayFixture.start(dir, withRelay(relay.port()),
                Herald.Overrides.none())) {
            var acme = withRelay(relay.port()).workspace("acme").orElseThrow();
            relay.answer(recipient -> {
                mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                try {
                    // A relay slower than Herald, so a bulk backlog builds up in front of it: the shape under test.
                    Thread.sleep(recipient.startsWith("reset@") ? 0 : 20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    active.decrementAndGet();
                }
                return null;
            });
            gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"b\",\"email\":\"b@example.test\"},"
                    + "{\"external_id\":\"reset\",\"email\":\"reset@example.test\"}]}");
            var bulk = gw.post("/messages/send", KEY, email("b"), "X-Braze-Bulk", "1");
            assertEquals(201, bulk.status(), bulk.raw());
            DispatchRow dispatch = gw.herald.store().read(tx -> tx.dispatches()
                    .find(bulk.json().path("dispatch_id").asText())).get().orElseThrow();
            String relayKey = "smtp:127.0.0.1:" + relay.port();
            Instant now = Instant.now();
            gw.herald.store().write(tx -> {
                for (int i = 0; i < 10_000; i++) {
                    tx.deliveries().insert(new NewDelivery(UUID.randomUUID(), dispatch.id(), "acme", Channel.EMAIL,
                            "external_id:bulk-" + i, "bulk-" + i + "@example.test", relayKey, Lane.BULK,
                            DeliveryStatus.QUEUED, now, now.plus(Duration.ofHours(1)), Optional.empty(),
                            Optional.empty(), Optional.empty()), now);
                }
                return null;
            }).get();
            gw.herald.wakeScheduler();
            Eventually.until(() -> relay.received().size() >= 20); // the backlog is flowing through the relay

            long sentAt = System.nanoTime();
            String reset = transactionalDispatch(gw, acme, dispatch, "reset");
            Eventually.until(Duration.ofSeconds(10), "the password reset at the relay",
                    () -> relay.received().stream().anyMatch(m -> m.contains("reset@example.test")));
            Duration took = Duration.ofNanos(System.nanoTime() - sentAt);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "the password reset took " + took);
            System.out.println("password reset behind 10,000 bulk emails went out after " + took.toMillis() + " ms");
            assertTrue(mostActive.get() <= 4, "at most the pool's 4 connections at once, saw " + mostActive.get());
            long bulkQueued = GatewayFixture.count(dir, "SELECT count(*) FROM delivery WHERE lane = 'bulk' "
                    + "AND status = 'queued'");
            assertTrue(bulkQueued > 9_000, "the bulk backlog is still there: " + bulkQueued);
            Eventually.until(Duration.ofSeconds(10), "the password reset recorded as sent", () -> sent(reset));
        }
    }

    private boolean sent(String dispatch) {
        try {
            return GatewayFixture.count(dir, "SELECT count(*) FROM delivery WHERE dispatch_id = '" + dispatch
                    + "' AND status = 'sent'") == 1;
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The transactional endpoint's dispatch, written through the store: the same email, on the transactional lane. */
    private static String transactionalDispatch(GatewayFixture gw, dev.herald.config.WorkspaceConfig ws,
                                                DispatchRow template, String user) throws Exception {
        DispatchSpec spec = DispatchSpec.builder().messages(template.spec().messages())
                .recipients(List.of(RecipientSpec.of(new Recipient.ExternalId(user)))).build();
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString().replace("-", "");
        var dispatch = new NewDispatch(id, "acme", DispatchKind.TRANSACTIONAL_SEND, Lane.TRANSACTIONAL, spec, now,
                now.plus(Duration.ofMinutes(15)), Optional.empty(), Optional.empty(), Optional.empty());
        gw.herald.store().write(tx -> {
            return new Expander(Clock.systemUTC(), OutcomeListener.NONE).expand(tx, tx.dispatches().insert(dispatch, now),
                    spec, ws);
        }).get();
        gw.herald.wakeScheduler();
        return id;
    }

    @Test
    void aFailingWebhookHostOpensItsBreakerIsParkedLeavesOtherHostsAloneAndRecovers() throws Exception {
        var clock = new MutableClock(START);
        try (var down = new HttpPeer(); var up = new HttpPeer(); var gw = GatewayFixture.start(dir,
                GatewayFixture.config(dir), new Herald.Overrides(clock, RandomGenerator.getDefault(), Optional.empty()))) {
            down.answer(503, Map.of(), "{\"error\":\"down\"}");
            String users = "\"u0\",\"u1\",\"u2\",\"u3\",\"u4\",\"u5\",\"u6\",\"u7\",\"u8\",\"u9\"";
            String failing = gw.accept(GatewayFixture.webhookSend("x", down.url("/hook"), "{}")
                    .replace("[\"x\"]", "[" + users + "]"));
            gw.awaitStatus(failing, s -> s.path("deliveries").size() == 10 && allAttempted(s, 1));
            String downKey = "webhook:acme/127.0.0.1:" + down.port();
            Eventually.until(Duration.ofSeconds(10), "the breaker of " + downKey + " open",
                    () -> metric(gw, "herald_egress_breaker_state{egress_key=\"" + downKey + "\"}").equals("1.0"));
            assertEquals(10, down.received().size());

            String healthy = gw.accept(GatewayFixture.webhookSend("u0", up.url("/hook"), "{}"));
            gw.awaitStatus(healthy, s -> GatewayFixture.allDeliveries(s, "delivered"));

            clock.advance(Duration.ofSeconds(5)); // every retry is due, but the host is paused for 30 s
            gw.herald.wakeScheduler();
            String barrier = gw.accept(GatewayFixture.webhookSend("u1", up.url("/hook"), "{}"));
            gw.awaitStatus(barrier, s -> GatewayFixture.allDeliveries(s, "delivered"));
            assertEquals(10, down.received().size(), "nothing is sent to an open breaker's host");
            assertTrue(allAttempted(gw.status(failing), 1), "parking is not an attempt");

            down.answer(200, Map.of(), "{}");
            clock.advance(Duration.ofSeconds(26));
            gw.herald.wakeScheduler();
            gw.awaitStatus(failing, s -> GatewayFixture.allDeliveries(s, "delivered"));
            assertEquals(20, down.received().size());
            assertEquals("0.0", metric(gw, "herald_egress_breaker_state{egress_key=\"" + downKey + "\"}"));
        }
    }

    @Test
    void aTooManyRequestsAnswerPausesTheHostForItsRetryAfterAndNeverOpensItsBreaker() throws Exception {
        var clock = new MutableClock(START);
        try (var host = new HttpPeer(); var gw = GatewayFixture.start(dir,
                GatewayFixture.config(dir), new Herald.Overrides(clock, RandomGenerator.getDefault(), Optional.empty()))) {
            var seen = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
            host.answer(ex -> {
                boolean first = seen.add(ex.getRequestURI().getPath());
                HttpPeer.reply(ex, first ? 429 : 200, first ? Map.of("Retry-After", "1") : Map.of(), "{}");
            });
            List<String> sends = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                sends.add(gw.accept(GatewayFixture.webhookSend("t" + i, host.url("/p" + i), "x")));
            }
            String key = "webhook:acme/127.0.0.1:" + host.port();
            Instant limit = START.plusSeconds(10); // a third of the breaker's pause: only the 429's pause can pass
            Eventually.until(Duration.ofSeconds(30), "12 throttled sends delivered", () -> {
                assertEquals(false, metric(gw, "herald_egress_breaker_state{egress_key=\"" + key + "\"}")
                        .equals("1.0"), "a 429 is a throttle, not a failure: the breaker must not open");
                if (clock.instant().isBefore(limit)) {
                    clock.advance(Duration.ofMillis(250));
                    gw.herald.wakeScheduler();
                }
                return allDelivered(gw, sends);
            });
            assertEquals(24, host.received().size());
        }
    }

    @Test
    void oneWorkspacesFailingSendsDoNotPauseAnotherWorkspacesSendsToTheSameHost() throws Exception {
        var clock = new MutableClock(START);
        try (var host = new HttpPeer(); var gw = GatewayFixture.start(dir,
                GatewayFixture.config(dir), new Herald.Overrides(clock, RandomGenerator.getDefault(), Optional.empty()))) {
            host.answer(ex -> HttpPeer.reply(ex, ex.getRequestURI().getPath().equals("/acme") ? 503 : 200, Map.of(),
                    "{}"));
            String users = "\"u0\",\"u1\",\"u2\",\"u3\",\"u4\",\"u5\",\"u6\",\"u7\",\"u8\",\"u9\"";
            String failing = gw.accept(GatewayFixture.webhookSend("x", host.url("/acme"), "{}")
                    .replace("[\"x\"]", "[" + users + "]"));
            gw.awaitStatus(failing, s -> s.path("deliveries").size() == 10 && allAttempted(s, 1));
            String acmeKey = "webhook:acme/127.0.0.1:" + host.port();
            Eventually.until(Duration.ofSeconds(10), "the breaker of " + acmeKey + " open",
                    () -> metric(gw, "herald_egress_breaker_state{egress_key=\"" + acmeKey + "\"}").equals("1.0"));

            gw.accept(GatewayFixture.OTHER_KEY, GatewayFixture.webhookSend("o", host.url("/other"), "{}"));
            Eventually.until(Duration.ofSeconds(10), "workspace other's webhook at the host its neighbour broke",
                    () -> host.received().stream().anyMatch(r -> r.path().equals("/other")));
            assertEquals(10, host.received().stream().filter(r -> r.path().equals("/acme")).count(),
                    "acme's own key stays paused");
        }
    }

    private static boolean allDelivered(GatewayFixture gw, List<String> sends) {
        try {
            for (String send : sends) {
                if (!GatewayFixture.allDeliveries(gw.status(send), "delivered")) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean allAttempted(com.fasterxml.jackson.databind.JsonNode status, int attempts) {
        for (var d : status.path("deliveries")) {
            if (d.path("attempts").asInt() != attempts || !d.path("status").asText().equals("queued")) {
                return false;
            }
        }
        return true;
    }

    /** One sample's value from the ops port's Prometheus text, or "" when absent. */
    private static String metric(GatewayFixture gw, String series) {
        String text;
        try {
            text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gw.herald.opsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return line.substring(series.length() + 1).trim();
            }
        }
        return "";
    }
}
