package dev.herald.gateway;

import static dev.herald.gateway.DeadLettersTest.ADMIN;
import static dev.herald.gateway.DeadLettersTest.OTHER_ADMIN;
import static dev.herald.gateway.DeadLettersTest.SANDBOX_ADMIN;
import static dev.herald.gateway.DeadLettersTest.SENDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.testkit.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage per workspace, channel and hour: counted in the journal as deliveries are created and change state, read back
 * by {@code GET /herald/v1/usage} and exported as {@code herald_usage_total}. The clock is the test's, so the hours
 * are known.
 */
final class UsageTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T15:20:00Z"));
    private final AtomicBoolean gone = new AtomicBoolean(true);
    private HttpPeer peer;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        peer = new HttpPeer().answer(ex -> HttpPeer.reply(ex,
                ex.getRequestURI().getPath().startsWith("/gone") && gone.get() ? 410 : 200, Map.of(), "{}"));
        gw = GatewayFixture.start(dir, ConfigLoader.parse(GatewayFixture.yaml(dir, DeadLettersTest.workspaces()),
                SecretResolver.withEnvironment(Map.of())), GatewayFixture.clock(clock));
    }

    @AfterEach
    void stop() {
        gw.close();
        peer.close();
    }

    private JsonNode send(String key, String users, URI url) throws Exception {
        String id = gw.accept(key, """
                {"external_user_ids":[%s],"messages":{"webhook":{"url":"%s","request_method":"POST","body":"x"}}}"""
                .formatted(users, url));
        return gw.awaitStatus(key, id, GatewayFixture::settled);
    }

    private JsonNode usage(String key, String query) throws Exception {
        var r = gw.get("/herald/v1/usage" + query, key);
        assertEquals(200, r.status(), r.raw());
        assertEquals("success", r.message());
        return r.json().path("usage");
    }

    /** One row's counts, as "accepted/sent/delivered/bounced/failed/replayed". */
    private static String counts(JsonNode row) {
        return String.join("/", List.of("accepted", "sent", "delivered", "bounced", "failed", "replayed").stream()
                .map(c -> row.path(c).asText()).toList());
    }

    @Test
    void countsAcceptedSentDeliveredBouncedAndFailedPerWorkspaceChannelAndHour() throws Exception {
        send(ADMIN, "\"a\",\"b\",\"c\"", peer.url("/ok"));
        JsonNode failed = send(ADMIN, "\"d\",\"e\"", peer.url("/gone"));
        send(OTHER_ADMIN, "\"z\"", peer.url("/ok"));
        gw.post("/users/track", SANDBOX_ADMIN, "{\"attributes\":[{\"external_id\":\"b\",\"email\":\"x+bounce@example.test\"},"
                + "{\"external_id\":\"s\",\"email\":\"x@example.test\"}]}");
        gw.awaitStatus(SANDBOX_ADMIN, gw.accept(SANDBOX_ADMIN, "{\"external_user_ids\":[\"b\",\"s\",\"nobody\"],"
                + "\"messages\":{\"email\":{\"app_id\":\"a\",\"from\":\"Acme <no-reply@acme.test>\",\"subject\":\"s\","
                + "\"body\":\"b\"}}}"), GatewayFixture::settled);

        JsonNode hour15 = usage(ADMIN, "?from=2026-12-06&to=2026-12-06");
        assertEquals(1, hour15.size(), hour15.toString());
        assertEquals("2026-12-06T15:00:00Z", hour15.get(0).path("hour").asText());
        assertEquals("webhook", hour15.get(0).path("channel").asText());
        assertEquals("5/3/3/0/2/0", counts(hour15.get(0)), hour15.toString());
        assertEquals(0, hour15.get(0).path("expired").asInt());

        JsonNode sandbox = usage(SANDBOX_ADMIN, "");
        assertEquals(1, sandbox.size(), sandbox.toString());
        assertEquals("email", sandbox.get(0).path("channel").asText());
        assertEquals("3/1/0/1/0/0", counts(sandbox.get(0)), "the user without an address is aborted: " + sandbox);
        assertEquals(1, sandbox.get(0).path("aborted").asInt(), sandbox.toString());

        JsonNode other = usage(OTHER_ADMIN, "");
        assertEquals("1/1/1/0/0/0", counts(other.get(0)), "each workspace its own: " + other);

        // An hour later one dead letter is replayed: it counts in the hour it happened, not the hour it was accepted.
        clock.advance(Duration.ofHours(1));
        gone.set(false);
        String deadId = failed.path("deliveries").get(0).path("id").asText();
        assertEquals(202, gw.post("/herald/v1/dead_letters/" + deadId + "/replay", ADMIN, "").status());
        gw.awaitStatus(ADMIN, failed.path("dispatch_id").asText(),
                s -> s.path("counts").path("delivered").asInt() == 1);
        JsonNode both = usage(ADMIN, "");
        assertEquals(2, both.size(), "the last 24 hours by default: " + both);
        assertEquals("5/3/3/0/2/0", counts(both.get(0)), both.toString());
        assertEquals("2026-12-06T16:00:00Z", both.get(1).path("hour").asText());
        assertEquals("0/1/1/0/0/1", counts(both.get(1)), both.toString());
        JsonNode justTheLastHour = usage(ADMIN, "?from=2026-12-06T16:59:59Z&to=2026-12-06T17:00:00Z");
        assertEquals(1, justTheLastHour.size(), "from is rounded down to its hour: " + justTheLastHour);

        String metrics = scrape();
        assertEquals(4.0, metric(metrics, "dl", "webhook", "delivered"), 0.0);
        assertEquals(2.0, metric(metrics, "dl", "webhook", "failed"), 0.0);
        assertEquals(1.0, metric(metrics, "dl", "webhook", "replayed"), 0.0);
        assertEquals(1.0, metric(metrics, "dlsb", "email", "bounced"), 0.0);
        assertEquals(3.0, metric(metrics, "dlsb", "email", "accepted"), 0.0);
    }

    @Test
    void badRangesAreRefusedWithBrazesEnvelope() throws Exception {
        for (String bad : List.of("?from=yesterday", "?to=2026-13-01", "?from=2026-12-06T12:00:00Z&to=2026-12-06T11:00:00Z",
                "?from=2026-10-01&to=2026-12-01", "?from=20000-01-01T00:00:00Z")) {
            var r = gw.get("/herald/v1/usage" + bad, ADMIN);
            assertEquals(400, r.status(), bad + ": " + r.raw());
            assertTrue(!r.message().isBlank() && r.json().has("message"), r.raw());
        }
        assertEquals(200, gw.get("/herald/v1/usage?from=2026-11-05&to=2026-12-05", ADMIN).status(), "31 days is fine");
        assertEquals(403, gw.get("/herald/v1/usage", SENDER).status(), "herald.admin only");
        assertEquals(0, usage(ADMIN, "").size(), "nothing counted yet");
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gw.herald.opsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static double metric(String scrape, String workspace, String channel, String outcome) {
        return scrape.lines().filter(l -> l.startsWith("herald_usage_total{"))
                .filter(l -> l.contains("workspace=\"" + workspace + "\"") && l.contains("channel=\"" + channel + "\"")
                        && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no herald_usage_total for " + workspace + "/" + channel + "/"
                        + outcome + " in\n" + scrape));
    }
}
