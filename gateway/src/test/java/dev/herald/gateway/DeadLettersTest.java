package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.MutableClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters: deliveries that ended failed, expired or bounced are listed per workspace a page at a time, and
 * replayed one by one or by filter with the same delivery id, going out again at once. A webhook peer answers 410
 * (gone: a permanent failure) on {@code /gone} until the test lets it answer 200.
 */
final class DeadLettersTest {
    static final String ADMIN = "test-key-dl-admin";
    static final String SENDER = "test-key-dl-send-only";
    static final String OTHER_ADMIN = "test-key-dl-other-admin";
    static final String SANDBOX_ADMIN = "test-key-dl-sandbox-admin";

    @TempDir
    Path dir;
    /** The test's clock: frozen unless moved, so dead letters often end at the same millisecond (ordered by id). */
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T15:20:00Z"));
    private final AtomicBoolean gone = new AtomicBoolean(true);
    private final AtomicBoolean unavailable = new AtomicBoolean(true);
    private HttpPeer peer;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        peer = new HttpPeer().answer(ex -> {
            String path = ex.getRequestURI().getPath();
            int status = path.startsWith("/gone") && gone.get() ? 410
                    : path.startsWith("/busy") && unavailable.get() ? 503 : 200;
            HttpPeer.reply(ex, status, Map.of(), "{}");
        });
        gw = GatewayFixture.start(dir, ConfigLoader.parse(GatewayFixture.yaml(dir, workspaces()),
                SecretResolver.withEnvironment(Map.of())), GatewayFixture.clock(clock));
    }

    /** {@code dl} and {@code dl2} send for real; {@code dlsb} is a sandbox (an email to {@code +bounce} bounces). */
    static String workspaces() {
        return """
                  - id: dl
                    api_keys:
                      - { name: admin, sha256: "%s", permissions: [herald.admin, messages.send] }
                      - { name: send, sha256: "%s", permissions: [messages.send] }
                  - id: dl2
                    api_keys: [ { name: admin, sha256: "%s", permissions: [herald.admin, messages.send] } ]
                  - id: dlsb
                    sandbox: true
                    api_keys: [ { name: admin, sha256: "%s", permissions: [herald.admin, messages.send, users.track] } ]
                """.formatted(ApiKeyAuthenticator.sha256Hex(ADMIN), ApiKeyAuthenticator.sha256Hex(SENDER),
                ApiKeyAuthenticator.sha256Hex(OTHER_ADMIN), ApiKeyAuthenticator.sha256Hex(SANDBOX_ADMIN));
    }

    @AfterEach
    void stop() {
        gw.close();
        peer.close();
    }

    /** A webhook send to {@code count} users, settled; its status. */
    private JsonNode sendAndSettle(String key, URI url, int count) throws Exception {
        String users = IntStream.range(0, count).mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(","));
        String id = gw.accept(key, """
                {"external_user_ids":[%s],"messages":{"webhook":{"url":"%s","request_method":"POST","body":"x"}}}"""
                .formatted(users, url));
        return gw.awaitStatus(key, id, GatewayFixture::settled);
    }

    private JsonNode list(String key, String query) throws Exception {
        var r = gw.get("/herald/v1/dead_letters" + query, key);
        assertEquals(200, r.status(), r.raw());
        assertEquals("success", r.message());
        return r.json();
    }

    private static Set<String> ids(JsonNode node, String field) {
        Set<String> out = new HashSet<>();
        node.forEach(d -> out.add(d.path(field).asText()));
        return out;
    }

    @Test
    void listsAWorkspacesDeadLettersInPagesByChannelAndNoOneElses() throws Exception {
        JsonNode failed = sendAndSettle(ADMIN, peer.url("/gone"), 5);
        assertTrue(GatewayFixture.allDeliveries(failed, "failed"), failed.toString());
        JsonNode delivered = sendAndSettle(ADMIN, peer.url("/ok"), 1);
        JsonNode otherFailed = sendAndSettle(OTHER_ADMIN, peer.url("/gone"), 1);
        gw.post("/users/track", SANDBOX_ADMIN, "{\"attributes\":[{\"external_id\":\"b\",\"email\":\"x+bounce@example.test\"}]}");
        String bounce = gw.accept(SANDBOX_ADMIN, "{\"external_user_ids\":[\"b\"],\"messages\":{\"email\":{\"app_id\":\"a\","
                + "\"from\":\"Acme <no-reply@acme.test>\",\"subject\":\"s\",\"body\":\"b\"},"
                + "\"webhook\":{\"url\":\"https://hooks.fail/x\",\"request_method\":\"POST\",\"body\":\"x\"}}}");
        gw.awaitStatus(SANDBOX_ADMIN, bounce, GatewayFixture::settled);

        List<JsonNode> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = list(ADMIN, "?limit=2" + (after == null ? "" : "&after=" + after));
            page.path("dead_letters").forEach(seen::add);
            assertTrue(page.path("dead_letters").size() <= 2, page.toString());
            after = page.path("next_after").isNull() ? null : page.path("next_after").asText();
            pages++;
        } while (after != null && pages < 10);
        assertEquals(3, pages, "5 dead letters in pages of 2");
        Set<String> expected = ids(failed.path("deliveries"), "id");
        assertEquals(expected, seen.stream().map(d -> d.path("delivery_id").asText()).collect(Collectors.toSet()));
        assertEquals(5, seen.size(), "no dead letter twice across pages");
        Instant previous = Instant.EPOCH;
        for (JsonNode d : seen) {
            assertEquals("failed", d.path("status").asText());
            assertEquals("webhook", d.path("channel").asText());
            assertEquals(failed.path("dispatch_id").asText(), d.path("dispatch_id").asText());
            assertTrue(d.path("recipient").asText().startsWith("external_id:u"), d.toString());
            assertEquals(1, d.path("attempts").asInt());
            assertTrue(d.path("last_error").asText().contains("410"), d.toString());
            Instant ended = Instant.parse(d.path("ended_at").asText());
            assertFalse(ended.isBefore(previous), "oldest first");
            assertEquals(clock.instant(), ended, "the test's clock stands still");
            previous = ended;
        }
        assertEquals(5, list(ADMIN, "").path("dead_letters").size(), "100 a page by default");
        assertTrue(list(ADMIN, "").path("next_after").isNull());

        JsonNode others = list(OTHER_ADMIN, "?limit=1000").path("dead_letters");
        assertEquals(ids(otherFailed.path("deliveries"), "id"), ids(others, "delivery_id"), "only its own");

        JsonNode emails = list(SANDBOX_ADMIN, "?channel=email").path("dead_letters");
        assertEquals(1, emails.size(), emails.toString());
        assertEquals("bounced", emails.get(0).path("status").asText());
        JsonNode hooks = list(SANDBOX_ADMIN, "?channel=webhook").path("dead_letters");
        assertEquals(1, hooks.size(), hooks.toString());
        assertEquals("failed", hooks.get(0).path("status").asText());
        assertEquals(0, list(SANDBOX_ADMIN, "?channel=sms").path("dead_letters").size());

        for (String bad : List.of("?limit=0", "?limit=1001", "?limit=ten", "?channel=fax", "?after=not-a-cursor",
                "?after=" + java.util.Base64.getUrlEncoder().encodeToString("12.x".getBytes()))) {
            var r = gw.get("/herald/v1/dead_letters" + bad, ADMIN);
            assertEquals(400, r.status(), bad + ": " + r.raw());
            assertFalse(r.message().isBlank(), r.raw());
        }
        assertEquals(403, gw.get("/herald/v1/dead_letters", SENDER).status(), "herald.admin only");

        String deliveredId = delivered.path("deliveries").get(0).path("id").asText();
        String othersId = others.get(0).path("delivery_id").asText();
        for (String id : List.of(deliveredId, othersId, "00000000-0000-0000-0000-000000000000", "nope")) {
            var r = gw.post("/herald/v1/dead_letters/" + id + "/replay", ADMIN, "");
            assertEquals(404, r.status(), id + ": " + r.raw());
            assertTrue(r.message().contains("not found"), r.raw());
        }
        assertEquals(403, gw.post("/herald/v1/dead_letters/" + othersId + "/replay", SENDER, "").status());
    }

    @Test
    void aReplayedDeadLetterGoesOutAgainWithTheSameDeliveryId() throws Exception {
        JsonNode failed = sendAndSettle(ADMIN, peer.url("/gone"), 1);
        JsonNode d = failed.path("deliveries").get(0);
        assertEquals("failed", d.path("status").asText());
        String id = d.path("id").asText();

        gone.set(false);
        var replay = gw.post("/herald/v1/dead_letters/" + id + "/replay", ADMIN, "");
        assertEquals(202, replay.status(), replay.raw());
        assertEquals("success", replay.message());

        JsonNode after = gw.awaitStatus(ADMIN, failed.path("dispatch_id").asText(),
                s -> GatewayFixture.allDeliveries(s, "delivered"));
        JsonNode again = after.path("deliveries").get(0);
        assertEquals(id, again.path("id").asText(), "the same delivery, not a new one");
        assertEquals(2, again.path("attempts").asInt(), "attempts keep counting");
        List<String> webhookIds = peer.received().stream().map(r -> r.header("webhook-id")).toList();
        assertEquals(List.of(id, id), webhookIds, "receivers can dedupe on the stable id");

        assertEquals(0, list(ADMIN, "").path("dead_letters").size(), "no longer dead");
        assertEquals(404, gw.post("/herald/v1/dead_letters/" + id + "/replay", ADMIN, "").status(),
                "a delivered delivery is not replayed");
    }

    @Test
    void anExpiredDeadLetterIsReplayedWithAFreshAgeLimit() throws Exception {
        String users = "\"late\"";
        String dispatch = gw.accept(ADMIN, """
                {"external_user_ids":[%s],"messages":{"webhook":{"url":"%s","request_method":"POST","body":"x"}}}"""
                .formatted(users, peer.url("/busy")));
        gw.awaitStatus(ADMIN, dispatch, s -> s.path("deliveries").path(0).path("attempts").asInt() >= 1);
        clock.advance(java.time.Duration.ofHours(25)); // past delivery.max_age (24 h): it gives up
        gw.herald.wakeScheduler();
        JsonNode expired = gw.awaitStatus(ADMIN, dispatch, s -> GatewayFixture.allDeliveries(s, "expired"));
        String id = expired.path("deliveries").get(0).path("id").asText();
        JsonNode listed = list(ADMIN, "?channel=webhook").path("dead_letters");
        assertEquals(1, listed.size(), listed.toString());
        assertEquals("expired", listed.get(0).path("status").asText());
        assertEquals(clock.instant().toString(), listed.get(0).path("ended_at").asText(), "ended_at is when it ended");

        unavailable.set(false);
        var r = gw.post("/herald/v1/dead_letters/replay", ADMIN, "{\"status\":\"expired\"}");
        assertEquals(202, r.status(), r.raw());
        assertEquals(1, r.json().path("replayed").asInt(), r.raw());
        JsonNode delivered = gw.awaitStatus(ADMIN, dispatch, s -> GatewayFixture.allDeliveries(s, "delivered"));
        assertEquals(id, delivered.path("deliveries").get(0).path("id").asText());
    }

    @Test
    void aBulkReplayRequeuesWhatMatchesInChunksAndOnlyThat() throws Exception {
        // More than one chunk (500) of dead letters, across dispatches of up to 50 recipients each.
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            big.add(sendAndSettle(ADMIN, peer.url("/gone/big"), 50).path("dispatch_id").asText());
        }
        JsonNode small = sendAndSettle(ADMIN, peer.url("/gone/small"), 2);
        JsonNode others = sendAndSettle(OTHER_ADMIN, peer.url("/gone/other"), 1);
        gone.set(false);

        for (String bad : List.of("{\"status\":\"delivered\"}", "{\"channel\":\"fax\"}", "{\"after\":\"yesterday\"}",
                "{\"after\":\"2026-12-06T10:00:00Z\",\"before\":\"2026-12-06T09:00:00Z\"}", "{\"channel\":[1]}")) {
            var r = gw.post("/herald/v1/dead_letters/replay", ADMIN, bad);
            assertEquals(400, r.status(), bad + ": " + r.raw());
        }
        var none = gw.post("/herald/v1/dead_letters/replay", ADMIN, "{\"status\":\"bounced\"}");
        assertEquals(202, none.status(), none.raw());
        assertEquals(0, none.json().path("replayed").asInt(), "nothing bounced here");

        var one = gw.post("/herald/v1/dead_letters/replay", ADMIN,
                "{\"dispatch_id\":\"" + small.path("dispatch_id").asText() + "\",\"channel\":\"webhook\","
                        + "\"status\":\"failed\",\"after\":\"2000-01-01\",\"before\":\"2999-01-01T00:00:00Z\"}");
        assertEquals(202, one.status(), one.raw());
        assertEquals(2, one.json().path("replayed").asInt(), one.raw());
        assertFalse(one.json().has("more"), one.raw());
        gw.awaitStatus(ADMIN, small.path("dispatch_id").asText(), s -> GatewayFixture.allDeliveries(s, "delivered"));
        assertEquals(550, list(ADMIN, "?limit=1000").path("dead_letters").size(), "the others stay dead");

        var rest = gw.post("/herald/v1/dead_letters/replay", ADMIN, "{}");
        assertEquals(202, rest.status(), rest.raw());
        assertEquals(550, rest.json().path("replayed").asInt(), rest.raw());
        for (String dispatch : big) {
            gw.awaitStatus(ADMIN, dispatch, s -> GatewayFixture.allDeliveries(s, "delivered"));
        }
        assertEquals(0, list(ADMIN, "").path("dead_letters").size());
        JsonNode stillDead = list(OTHER_ADMIN, "").path("dead_letters");
        assertEquals(ids(others.path("deliveries"), "id"), ids(stillDead, "delivery_id"), "another workspace's stay");
        assertNotEquals(0, peer.received().size());
    }
}
