package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.RedisServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed limits against a real {@code redis-server} (skipped without one unless
 * {@code HERALD_REQUIRE_SERVICES=1}): two gateways on their own SQLite files share one Redis.
 */
final class RedisLimitsTest {
    @TempDir
    Path dir;
    private RedisServerProcess redis;
    private HttpPeer hooks;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServerProcess.start();
        hooks = new HttpPeer();
    }

    @AfterEach
    void stop() {
        if (hooks != null) {
            hooks.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** A gateway on its own store, limited through the shared Redis (patient: a busy machine must not fail open). */
    private GatewayFixture gateway(String name, String limits) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        String yaml = GatewayFixture.yaml(home, "ratelimit: { backend: redis, uri: \"" + redis.uri() + "\", nodes: 2, "
                + "request_timeout: 2s }").replace("  - id: acme", "  - id: acme\n    limits: " + limits);
        HeraldConfig config = ConfigLoader.parse(yaml, SecretResolver.withEnvironment(Map.of()));
        return GatewayFixture.start(home, config, Herald.Overrides.none());
    }

    private String send() {
        return GatewayFixture.webhookSend("u1", hooks.url("/hook"), "{}");
    }

    @Test
    void twoGatewaysShareOneLimit() throws Exception {
        String sixAnHour = "{ hourly: 6, burst_per_second: 100 }";
        try (var a = gateway("a", sixAnHour); var b = gateway("b", sixAnHour)) {
            for (int i = 0; i < 4; i++) {
                assertEquals(201, a.post("/messages/send", KEY, send()).status());
            }
            var fifth = b.post("/messages/send", KEY, send());
            assertEquals(201, fifth.status());
            assertEquals("1", fifth.headers().firstValue("x-ratelimit-remaining").orElseThrow(),
                    "the second gateway sees the first one's four requests");
            assertEquals(201, b.post("/messages/send", KEY, send()).status());
            var refused = b.post("/messages/send", KEY, send());
            assertEquals(429, refused.status());
            assertEquals(429, a.post("/messages/send", KEY, send()).status());
            assertTrue(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()) >= 1);
        }
    }

    @Test
    void requestsAreServedWhileRedisIsDownAndLimitsAreSharedAgainAfterItReturns() throws Exception {
        try (var gw = gateway("a", "{ hourly: 1000, burst_per_second: 100 }")) {
            assertEquals(201, gw.post("/messages/send", KEY, send()).status());
            assertEquals("0.0", metric(gw, "herald_ratelimit_degraded"));

            redis.kill();
            for (int i = 0; i < 5; i++) {
                var r = gw.post("/messages/send", KEY, send());
                assertEquals(201, r.status(), "fail open: " + r.raw());
                assertTrue(r.headers().firstValue("x-ratelimit-limit").isPresent());
            }
            assertTrue(Double.parseDouble(metric(gw, "herald_ratelimit_fail_open_total")) >= 5);
            assertEquals("1.0", metric(gw, "herald_ratelimit_degraded"));

            redis.restart();
            // Lettuce reconnects by itself within a second; each look is a request, which is served meanwhile.
            Eventually.until(Duration.ofSeconds(20), "the limiter leaves fail-open", () -> !degradedAfterASend(gw));
            assertEquals("0.0", metric(gw, "herald_ratelimit_degraded"), "decisions are shared again");
            var shared = gw.post("/messages/send", KEY, send());
            assertEquals(201, shared.status());
            long failOpens = (long) Double.parseDouble(metric(gw, "herald_ratelimit_fail_open_total"));
            assertEquals(201, gw.post("/messages/send", KEY, send()).status());
            assertEquals(failOpens, (long) Double.parseDouble(metric(gw, "herald_ratelimit_fail_open_total")));
        }
    }

    /** Whether limits are still decided locally; if so, sends one request, which must be served. */
    private boolean degradedAfterASend(GatewayFixture gw) {
        try {
            if (!metric(gw, "herald_ratelimit_degraded").equals("1.0")) {
                return false;
            }
            assertEquals(201, gw.post("/messages/send", KEY, send()).status());
            return true;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String metric(GatewayFixture gw, String series) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gw.herald.opsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return line.substring(series.length() + 1).trim();
            }
        }
        return "";
    }
}
