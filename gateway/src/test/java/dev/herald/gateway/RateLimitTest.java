package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static dev.herald.gateway.GatewayFixture.OTHER_KEY;
import static dev.herald.gateway.GatewayFixture.RO_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.testkit.Eventually;
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
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingress limits end to end on a gateway whose clock (and so its buckets) only moves when the test moves it:
 * {@code acme} and {@code other} may send 5 requests a second.
 */
final class RateLimitTest {
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    private static final List<String> HEADERS = List.of("x-ratelimit-limit", "x-ratelimit-remaining",
            "x-ratelimit-reset", "ratelimit-policy", "ratelimit");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private HttpPeer hooks;
    private GatewayFixture gw;
    private String send;

    @BeforeEach
    void start() throws Exception {
        hooks = new HttpPeer();
        String limits = "\n    limits: { hourly: 1000, burst_per_second: 5 }";
        String yaml = GatewayFixture.yaml(dir, "").replace("  - id: acme", "  - id: acme" + limits)
                .replace("  - id: other", "  - id: other" + limits);
        var config = ConfigLoader.parse(yaml, SecretResolver.withEnvironment(Map.of()));
        gw = GatewayFixture.start(dir, config, new Herald.Overrides(clock, RandomGenerator.getDefault(),
                Optional.empty()));
        send = GatewayFixture.webhookSend("u1", hooks.url("/hook"), "{}");
    }

    @AfterEach
    void stop() {
        gw.close();
        hooks.close();
    }

    private static void assertHeaders(GatewayFixture.Response r) {
        for (String h : HEADERS) {
            assertTrue(r.headers().firstValue(h).isPresent(), h + " missing on " + r.status() + " " + r.raw());
        }
    }

    @Test
    void pastTheBurstA429CarriesTheEnvelopeRetryAfterAndAllHeaders() throws Exception {
        for (int i = 0; i < 5; i++) {
            var ok = gw.post("/messages/send", KEY, send);
            assertEquals(201, ok.status(), ok.raw());
            assertHeaders(ok);
            assertEquals(Long.toString(4 - i), ok.headers().firstValue("x-ratelimit-remaining").orElseThrow());
        }
        var refused = gw.post("/messages/send", KEY, send);
        assertEquals(429, refused.status());
        assertHeaders(refused);
        assertEquals("1", refused.headers().firstValue("retry-after").orElseThrow());
        assertEquals("0", refused.headers().firstValue("x-ratelimit-remaining").orElseThrow());
        assertEquals("\"hourly\";q=1000;w=3600, \"burst\";q=5;w=1",
                refused.headers().firstValue("ratelimit-policy").orElseThrow());
        assertEquals(Long.toString(START.getEpochSecond() + 1),
                refused.headers().firstValue("x-ratelimit-reset").orElseThrow());
        assertTrue(refused.message().startsWith("API rate limit exceeded"), refused.raw());
        assertTrue(refused.json().path("errors").isArray());

        clock.advance(Duration.ofMillis(200));
        assertEquals(201, gw.post("/messages/send", KEY, send).status(), "one token back after 200 ms");
    }

    @Test
    void refusedKeysConsumeNothingAndGetNoLimitHeaders() throws Exception {
        for (int i = 0; i < 20; i++) {
            var forbidden = gw.post("/messages/send", RO_KEY, send);
            assertEquals(403, forbidden.status());
            assertTrue(forbidden.headers().firstValue("x-ratelimit-remaining").isEmpty());
            assertEquals(401, gw.post("/messages/send", "not-a-key", send).status());
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(201, gw.post("/messages/send", KEY, send).status(), "request " + i);
        }
        assertEquals(429, gw.post("/messages/send", KEY, send).status());
    }

    @Test
    void workspacesAreIsolated() throws Exception {
        for (int i = 0; i < 6; i++) {
            gw.post("/messages/send", KEY, send);
        }
        assertEquals(429, gw.post("/messages/send", KEY, send).status());
        for (int i = 0; i < 5; i++) {
            assertEquals(201, gw.post("/messages/send", OTHER_KEY, send).status());
        }
    }

    @Test
    void theHandlersOwnErrorsAndOtherEndpointsCarryTheHeaders() throws Exception {
        var invalid = gw.post("/messages/send", KEY, "{\"external_user_ids\":[\"u\"]}");
        assertEquals(400, invalid.status());
        assertHeaders(invalid);
        assertEquals("4", invalid.headers().firstValue("x-ratelimit-remaining").orElseThrow(),
                "a valid key's invalid request counts, as at Braze");
        for (String notJson : new String[] {"", "not json", "[1]"}) {
            var r = gw.post("/messages/send", KEY, notJson);
            assertEquals(400, r.status(), r.raw());
            assertHeaders(r);
        }
        assertEquals("0", gw.post("/messages/send", KEY, "{").headers().firstValue("x-ratelimit-remaining")
                .orElseThrow(), "bodies that do not parse count too");
        var track = gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"u\",\"first_name\":\"A\"}]}");
        assertEquals(201, track.status(), track.raw());
        assertEquals("\"users_track\";q=3000;w=3", track.headers().firstValue("ratelimit-policy").orElseThrow());
    }

    @Test
    void xBrazeBulkPutsTheDeliveriesOnTheBulkLane() throws Exception {
        var bulk = gw.post("/messages/send", KEY, send, "X-Braze-Bulk", "true");
        String standard = gw.accept(send);
        String bulkId = bulk.json().path("dispatch_id").asText();
        assertEquals(1, GatewayFixture.count(dir, "SELECT count(*) FROM delivery WHERE lane = 'bulk' "
                + "AND dispatch_id = '" + bulkId + "'"));
        assertEquals(1, GatewayFixture.count(dir, "SELECT count(*) FROM delivery WHERE lane = 'standard' "
                + "AND dispatch_id = '" + standard + "'"));
    }

    @Test
    void theOpsPortServesPrometheusMetrics() throws Exception {
        for (int i = 0; i < 6; i++) {
            gw.post("/messages/send", KEY, send);
        }
        assertEquals(201, gw.post("/messages/send", OTHER_KEY, send).status());
        // Waits on the webhook target, not on the status endpoint: the clock stands still, so polling it would spend
        // the workspace's burst (4 calls left) and fail whenever delivery takes longer than those few polls.
        Eventually.until(Duration.ofSeconds(30), "six webhooks delivered", () -> hooks.received().size() >= 6);
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gw.herald.opsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        String text = response.body();
        for (String line : List.of("herald_ingress_requests_total{class=\"general\",status=\"201\"} 6.0",
                "herald_ingress_requests_total{class=\"general\",status=\"429\"} 1.0",
                "herald_ratelimit_refused_total{class=\"general\"} 1.0",
                "herald_ratelimit_fail_open_total 0.0",
                "herald_deliveries_in_flight ", "herald_store_write_queue ", "herald_egress_parked_total ")) {
            assertTrue(text.contains(line), line + " not in\n" + text);
        }
    }
}
