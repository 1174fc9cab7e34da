package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * The Currents-style event stream end to end: webhook and email deliveries on loopback peers become Braze message
 * events, batched to a loopback connector with the bearer token, kept through a connector outage and a restart with
 * their ids, given up on after their age limit and replayed.
 */
final class EventsStreamTest {
    static final String KEY = "test-key-events";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private CurrentsPeer currents;
    private HttpPeer sink;
    private RelayPeer relay;
    private GatewayFixture gw;

    @BeforeEach
    void peers() throws Exception {
        currents = new CurrentsPeer();
        sink = new HttpPeer().answer(ex -> {
            String path = ex.getRequestURI().getPath();
            int status = switch (path) {
                case "/gone" -> 410;
                case "/busy", "/tomorrow" -> 503;
                default -> 200;
            };
            // /tomorrow asks for a day's pause: the retry would be past the age limit.
            HttpPeer.reply(ex, status, path.equals("/tomorrow") ? Map.of("Retry-After", "90000") : Map.of(), "{}");
        });
        relay = new RelayPeer().answer(rcpt -> rcpt.startsWith("bounce")
                ? new RejectException(550, "5.1.1 <" + rcpt + ">: mailbox unavailable")
                : rcpt.startsWith("later") ? new RejectException(451, "4.3.0 try again later") : null);
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        currents.close();
        sink.close();
        relay.close();
    }

    private HeraldConfig config(String currentsExtra) {
        String workspace = """
                  - id: ev
                    api_keys: [ { name: ev, sha256: "%s", permissions: [messages.send, users.track, herald.admin] } ]
                    email: { smtp: { host: 127.0.0.1, port: %d, starttls: disabled, final_hop: true } }
                    events:
                      currents: { url: "%s", token: tok-secret-1, flush_interval: 200ms%s }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), relay.port(), currents.url(), currentsExtra);
        return ConfigLoader.parse(GatewayFixture.yaml(dir, workspace), SecretResolver.withEnvironment(Map.of()));
    }

    private String hook(String user, String path, String body) {
        return GatewayFixture.webhookSend(user, sink.url(path), body);
    }

    private void track(String... idAndEmail) throws Exception {
        StringBuilder b = new StringBuilder("{\"attributes\":[");
        for (int i = 0; i < idAndEmail.length; i += 2) {
            b.append(i == 0 ? "" : ",").append("{\"external_id\":\"").append(idAndEmail[i])
                    .append("\",\"email\":\"").append(idAndEmail[i + 1]).append("\"}");
        }
        assertEquals(201, gw.post("/users/track", KEY, b.append("]}").toString()).status());
    }

    private static String email(String... users) {
        return "{\"external_user_ids\":[\"" + String.join("\",\"", users) + "\"],\"messages\":{\"email\":{"
                + "\"app_id\":\"a\",\"from\":\"A <a@a.test>\",\"subject\":\"s\",\"body\":\"<p>b</p>\"}}}";
    }

    private JsonNode await(String type, String user) {
        Eventually.until(WAIT, type + " for " + user, () -> !currents.events(type, user).isEmpty());
        return currents.events(type, user).get(0);
    }

    @Test
    void webhookAndEmailOutcomesArriveAsBrazeEventsWithTheBearerToken() throws Exception {
        gw = GatewayFixture.start(dir, config(""), Herald.Overrides.none());
        track("em1", "em1@example.test", "em2", "bounce@example.test");
        String hooked = gw.accept(KEY, hook("w1", "/ok", "hello"));
        String gone = gw.accept(KEY, hook("w2", "/gone", "gone"));
        String mailed = gw.accept(KEY, email("em1", "em2"));

        JsonNode send = await("users.messages.webhook.Send", "w1");
        assertEquals(hooked, send.path("properties").path("dispatch_id").asText(), send.toString());
        assertTrue(send.path("time").isIntegralNumber(), "time is UNIX seconds: " + send);
        long now = Instant.now().getEpochSecond();
        assertTrue(Math.abs(now - send.path("time").asLong()) < 60, send.toString());
        assertEquals(36, send.path("id").asText().length(), send.toString());
        assertEquals("ev", send.path("properties").path("app_group_id").asText());

        JsonNode failure = await("users.messages.webhook.Failure", "w2");
        assertEquals(gone, failure.path("properties").path("dispatch_id").asText());
        assertEquals(410, failure.path("properties").path("http_status_code").asInt(), failure.toString());
        assertTrue(failure.path("properties").path("is_terminal").asBoolean(), failure.toString());
        assertEquals(sink.url("/gone").toString(), failure.path("properties").path("endpoint_url").asText());
        assertEquals("/gone", failure.path("properties").path("url_path").asText());

        JsonNode mailSend = await("users.messages.email.Send", "em1");
        JsonNode delivered = await("users.messages.email.Delivery", "em1");
        JsonNode bounced = await("users.messages.email.Bounce", "em2");
        for (JsonNode e : List.of(mailSend, delivered, bounced)) {
            assertEquals(mailed, e.path("properties").path("dispatch_id").asText(), e.toString());
            assertFalse(e.path("user").path("user_id").asText().isEmpty(), "a tracked user has Herald's id: " + e);
        }
        assertEquals("em1@example.test", delivered.path("properties").path("email_address").asText());
        assertTrue(bounced.path("properties").path("bounce_reason").asText().contains("550"), bounced.toString());
        assertTrue(currents.events("users.messages.email.Send", "em2").isEmpty(), "a refused address was not sent");
        // The Send came before the Delivery it led to.
        List<String> order = currents.events().stream().filter(e -> e.path("user").path("external_user_id").asText()
                .equals("em1")).map(e -> e.path("event_type").asText()).toList();
        assertEquals(List.of("users.messages.email.Send", "users.messages.email.Delivery"), order);

        for (CurrentsPeer.Batch b : currents.batches()) {
            assertEquals("Bearer tok-secret-1", b.request().header("Authorization"));
            assertEquals("1", b.request().header("Braze-Currents-Version"));
            assertEquals("application/json", b.request().header("Content-Type"));
        }
        Set<String> ids = currents.events().stream().map(e -> e.path("id").asText()).collect(Collectors.toSet());
        assertEquals(currents.events().size(), ids.size(), "every event has an id of its own");
    }

    @Test
    void withASigningSecretEachBatchIsSignedPerStandardWebhooksOverTheExactBody() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString("twenty-four random bytes".getBytes(
                StandardCharsets.US_ASCII));
        currents.answer(503);
        gw = GatewayFixture.start(dir, config(", signing_secret: \"" + secret + "\""), Herald.Overrides.none());
        gw.accept(KEY, hook("sg1", "/ok", "signed"));
        Eventually.until(WAIT, "a refused batch", () -> !currents.requests().isEmpty());
        currents.answer(200);
        await("users.messages.webhook.Send", "sg1");

        Webhook verifier = new Webhook(secret);
        Webhook other = new Webhook("whsec_" + Base64.getEncoder().encodeToString(new byte[24]));
        List<HttpPeer.Received> requests = currents.requests();
        assertTrue(requests.size() >= 2, "refused, then taken: " + requests.size());
        for (HttpPeer.Received r : requests) {
            assertNotNull(r.header("webhook-id"), r.headers().toString());
            assertTrue(r.header("webhook-timestamp").matches("\\d{10}"), r.header("webhook-timestamp"));
            assertTrue(r.header("webhook-signature").startsWith("v1,"), r.header("webhook-signature"));
            Map<String, List<String>> headers = lowerCase(r.headers());
            verifier.verify(r.body(), headers);
            assertThrows(WebhookVerificationException.class, () -> verifier.verify(r.body().replace("sg1", "sg2"),
                    headers), "the signature covers the body");
            assertThrows(WebhookVerificationException.class, () -> other.verify(r.body(), headers),
                    "and needs the secret");
            Map<String, List<String>> otherId = new HashMap<>(headers);
            otherId.put("webhook-id", List.of("another-id"));
            assertThrows(WebhookVerificationException.class, () -> verifier.verify(r.body(), otherId),
                    "and the webhook-id");
            assertEquals("Bearer tok-secret-1", r.header("Authorization"), "signed as well as authorised");
        }
        assertEquals(requests.get(0).body(), requests.get(requests.size() - 1).body(), "the same batch again");
        assertEquals(requests.get(0).header("webhook-id"), requests.get(requests.size() - 1).header("webhook-id"),
                "under the same webhook-id, so the connector can drop a repeat");
        assertNotEquals(currents.events().get(0).path("id").asText(), requests.get(0).header("webhook-id"),
                "the batch's id, not an event's");
    }

    @Test
    void withoutASigningSecretNoBatchCarriesASignature() throws Exception {
        gw = GatewayFixture.start(dir, config(""), Herald.Overrides.none());
        gw.accept(KEY, hook("ns1", "/ok", "unsigned"));
        await("users.messages.webhook.Send", "ns1");
        HttpPeer.Received r = currents.batches().get(0).request();
        assertNull(r.header("webhook-signature"), r.headers().toString());
        assertNull(r.header("webhook-timestamp"), r.headers().toString());
    }

    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new HashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }

    @Test
    void aSoftBounceIsReportedPerRetryAndExpiryEndsInAnAbort() throws Exception {
        gw = GatewayFixture.start(dir, config(""), Herald.Overrides.none());
        track("lt", "later@example.test");
        String id = gw.accept(KEY, email("lt"));
        JsonNode soft = await("users.messages.email.SoftBounce", "lt");
        assertEquals(id, soft.path("properties").path("dispatch_id").asText());
        assertTrue(soft.path("properties").path("bounce_reason").asText().contains("451"), soft.toString());
    }

    @Test
    void anAttemptWhoseRetryWouldPassTheAgeLimitIsATerminalFailureThenAnExpiredAbort() throws Exception {
        gw = GatewayFixture.start(dir, config(""), Herald.Overrides.none());
        String hooked = gw.accept(KEY, hook("ex-last", "/tomorrow", "late"));
        JsonNode abort = await("users.messages.webhook.Abort", "ex-last");
        assertEquals("expired", abort.path("properties").path("abort_type").asText(), abort.toString());
        assertTrue(abort.path("properties").path("abort_log").asText().startsWith("gave up after 1 attempt"),
                abort.toString());
        assertEquals(hooked, abort.path("properties").path("dispatch_id").asText());

        List<JsonNode> failures = currents.events("users.messages.webhook.Failure", "ex-last");
        assertEquals(1, failures.size(), failures.toString());
        JsonNode failure = failures.get(0).path("properties");
        assertTrue(failure.path("is_terminal").asBoolean(), failure.toString());
        assertEquals(503, failure.path("http_status_code").asInt(), "the attempt's status: " + failure);
        assertTrue(failure.path("error").asText().startsWith("HTTP 503"), "the attempt's error: " + failure);
        assertEquals(0, failure.path("retry_count").asInt(), failure.toString());
        assertEquals(List.of("users.messages.webhook.Failure", "users.messages.webhook.Abort"), currents.events()
                .stream().filter(e -> e.path("user").path("external_user_id").asText().equals("ex-last"))
                .map(e -> e.path("event_type").asText()).toList());
    }

    @Test
    void aDeliveryStillWaitingAtTheAgeLimitIsAnExpiredAbort() throws Exception {
        var clock = new MutableClock(Instant.now());
        // The test's clock stands still between its steps: a batch of one goes without waiting for its flush.
        gw = GatewayFixture.start(dir, config(", batch_size: 1"), GatewayFixture.clock(clock));
        track("ex-mail", "later@example.test");
        String hooked = gw.accept(KEY, hook("ex-hook", "/busy", "busy"));
        String mailed = gw.accept(KEY, email("ex-mail"));
        JsonNode retried = await("users.messages.webhook.Failure", "ex-hook");
        assertEquals(503, retried.path("properties").path("http_status_code").asInt(), retried.toString());
        assertFalse(retried.path("properties").path("is_terminal").asBoolean(), retried.toString());
        await("users.messages.email.SoftBounce", "ex-mail");

        // Past the age limit before the retry is due: ended when next claimed, without another attempt.
        clock.advance(Duration.ofHours(25));
        JsonNode hookAbort = await("users.messages.webhook.Abort", "ex-hook");
        assertEquals("expired", hookAbort.path("properties").path("abort_type").asText(), hookAbort.toString());
        assertTrue(hookAbort.path("properties").path("abort_log").asText().contains("last error: HTTP 503"),
                hookAbort.toString());
        assertEquals(hooked, hookAbort.path("properties").path("dispatch_id").asText());
        JsonNode mailAbort = await("users.messages.email.Abort", "ex-mail");
        assertEquals("expired", mailAbort.path("properties").path("abort_type").asText(), mailAbort.toString());
        assertEquals(mailed, mailAbort.path("properties").path("dispatch_id").asText());
        assertEquals("ex-mail", mailAbort.path("user").path("external_user_id").asText());
        assertEquals(List.of("users.messages.webhook.Failure", "users.messages.webhook.Abort"), currents.events()
                .stream().filter(e -> e.path("user").path("external_user_id").asText().equals("ex-hook"))
                .map(e -> e.path("event_type").asText()).toList(), "one attempt, then the end");
        assertEquals(List.of("users.messages.email.SoftBounce", "users.messages.email.Abort"), currents.events()
                .stream().filter(e -> e.path("user").path("external_user_id").asText().equals("ex-mail"))
                .map(e -> e.path("event_type").asText()).toList());
    }

    @Test
    void anUnreachableRecipientIsAnAbortWithItsReason() throws Exception {
        gw = GatewayFixture.start(dir, config(""), Herald.Overrides.none());
        gw.accept(KEY, email("nobody"));
        JsonNode abort = await("users.messages.email.Abort", "nobody");
        assertEquals("user_not_reachable", abort.path("properties").path("abort_type").asText(), abort.toString());
        assertFalse(abort.path("properties").path("abort_log").asText().isEmpty(), abort.toString());
    }

    @Test
    void anOutageAndARestartLoseNoEventAndChangeNoId() throws Exception {
        currents.answer(503);
        gw = GatewayFixture.start(dir, config(""), Herald.Overrides.none());
        for (int i = 1; i <= 3; i++) {
            gw.accept(KEY, hook("o" + i, "/ok", "out" + i));
        }
        Eventually.until(WAIT, "two refused batches", () -> currents.requests().size() >= 2);
        Set<String> refusedIds = new HashSet<>();
        for (HttpPeer.Received r : currents.requests()) {
            dev.herald.gateway.json.Json.parse(r.body()).path("events")
                    .forEach(e -> refusedIds.add(e.path("id").asText()));
        }
        assertEquals(3, refusedIds.size(), "the three Send events were offered: " + refusedIds);
        gw.close();
        gw = null;

        currents.answer(200);
        gw = GatewayFixture.start(dir, config(""), Herald.Overrides.none());
        Eventually.until(WAIT, "three Send events after the restart", () -> currents.events().size() >= 3);
        Set<String> taken = currents.events().stream().map(e -> e.path("id").asText()).collect(Collectors.toSet());
        assertEquals(refusedIds, taken, "the same events, under the same ids");
        assertEquals(3, currents.events().size(), "each once");
    }

    @Test
    void aBacklogGoesOutInBatchesInOrderAndARefusalMidTurnKeepsWhatWasTaken() throws Exception {
        currents.answer(503);
        gw = GatewayFixture.start(dir, config(", batch_size: 2"), Herald.Overrides.none());
        for (int i = 1; i <= 5; i++) {
            gw.accept(KEY, hook("q" + i, "/ok", "backlog" + i));
        }
        Eventually.until(WAIT, "five webhooks delivered", () -> sink.received().size() >= 5);
        int refusedBefore = currents.requests().size();
        Eventually.until(WAIT, "a batch refused after the five", () -> currents.requests().size() > refusedBefore);

        // The next turn sends the backlog as 2 + 2 + 1; the connector takes two batches and refuses the third.
        currents.takeThenRefuse(2);
        Eventually.until(WAIT, "two batches taken and one refused", () -> currents.batches().size() == 2
                && currents.requests().size() >= refusedBefore + 4);
        currents.answer(200);
        Eventually.until(WAIT, "the last event", () -> currents.events().size() >= 5);
        assertEquals(List.of(2, 2, 1), currents.batches().stream().map(b -> b.events().size()).toList(),
                "batches of batch_size, the refused one sent again alone: " + currents.batches());
        List<String> ids = currents.events().stream().map(e -> e.path("id").asText()).toList();
        assertEquals(5, Set.copyOf(ids).size(), "each event once: what was taken before the refusal is not resent");
        assertEquals(Set.of("q1", "q2", "q3", "q4", "q5"), currents.events().stream()
                .map(e -> e.path("user").path("external_user_id").asText()).collect(Collectors.toSet()));
    }

    @Test
    void eventsPastTheirAgeLimitAreKeptDeadListedAndReplayed() throws Exception {
        var clock = new MutableClock(Instant.now());
        currents.answer(500);
        gw = GatewayFixture.start(dir, config(", batch_size: 1"), GatewayFixture.clock(clock));
        gw.accept(KEY, hook("d1", "/ok", "dead1"));
        Eventually.until(WAIT, "a refused batch", () -> !currents.requests().isEmpty());
        String id = dev.herald.gateway.json.Json.parse(currents.requests().get(0).body()).path("events").get(0)
                .path("id").asText();
        clock.advance(Duration.ofHours(25));
        Eventually.until(WAIT, "the event listed as dead", () -> {
            try {
                return gw.get("/herald/v1/dead_events", KEY).json().path("dead_events").size() == 1;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        JsonNode dead = gw.get("/herald/v1/dead_events", KEY).json().path("dead_events").get(0);
        assertEquals(id, dead.path("id").asText(), dead.toString());
        assertEquals("users.messages.webhook.Send", dead.path("event_type").asText());
        assertTrue(dead.path("last_error").asText().contains("500"), dead.toString());
        assertEquals(id, dead.path("event").path("id").asText());

        currents.answer(200);
        var replay = gw.post("/herald/v1/dead_events/replay", KEY, "{}");
        assertEquals(202, replay.status(), replay.raw());
        assertEquals(1, replay.json().path("replayed").asInt(), replay.raw());
        Eventually.until(WAIT, "the replayed event taken", () -> !currents.events().isEmpty());
        assertEquals(id, currents.events().get(0).path("id").asText());
        assertEquals(0, gw.get("/herald/v1/dead_events", KEY).json().path("dead_events").size());
        assertEquals(403, gw.get("/herald/v1/dead_events", GatewayFixture.OTHER_KEY).status(),
                "dead events need herald.admin");
    }

    @Test
    void aConnectorThatNeverAnswersHoldsNoDeliveryBack() throws Exception {
        var release = new java.util.concurrent.CountDownLatch(1);
        currents.hang(release);
        try {
            gw = GatewayFixture.start(dir, config(", batch_size: 1"), Herald.Overrides.none());
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                ids.add(gw.accept(KEY, hook("h" + i, "/ok", "held" + i)));
            }
            Eventually.until(WAIT, "the connector holding a batch", () -> !currents.requests().isEmpty());
            for (String id : ids) {
                gw.awaitStatus(KEY, id, s -> GatewayFixture.allDeliveries(s, "delivered"));
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void onlyTheConfiguredEventTypesAreSentAndTheOutboxIsBounded() throws Exception {
        currents.answer(503);
        gw = GatewayFixture.start(dir, config(", event_types: [users.messages.webhook.Failure], max_pending: 2"),
                Herald.Overrides.none());
        gw.accept(KEY, hook("f0", "/ok", "fine"));
        for (int i = 1; i <= 4; i++) {
            gw.accept(KEY, hook("f" + i, "/gone", "gone" + i));
        }
        Eventually.until(WAIT, "the outbox holding its bound", () -> {
            try {
                return GatewayFixture.count(dir, "SELECT COALESCE(SUM(events - sent), 0) FROM stream_chunk") == 2
                        && GatewayFixture.count(dir, "SELECT COUNT(*) FROM delivery WHERE status = 'failed'") == 4;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        currents.answer(200);
        Eventually.until(WAIT, "the two held events", () -> currents.events().size() == 2);
        assertTrue(currents.events().stream().allMatch(e -> e.path("event_type").asText()
                .equals("users.messages.webhook.Failure")), currents.events().toString());
    }
}
