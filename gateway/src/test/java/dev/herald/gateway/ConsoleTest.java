package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.gateway.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator console on the ops port: its files come from the jar with a strict Content-Security-Policy, and the
 * admin JSON calls it makes answer there with the API's own key check, {@code herald.admin} only, same-origin (no
 * CORS). A webhook peer answers 410 on {@code /gone} until the test lets it answer 200.
 */
final class ConsoleTest {
    static final String ADMIN = "test-key-console-admin";
    static final String SENDER = "test-key-console-sender";
    static final String OTHER_ADMIN = "test-key-console-other";

    @TempDir
    Path dir;
    private final AtomicBoolean gone = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpPeer peer;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        peer = new HttpPeer().answer(ex -> HttpPeer.reply(ex,
                ex.getRequestURI().getPath().startsWith("/gone") && gone.get() ? 410 : 200, Map.of(), "{}"));
        gw = GatewayFixture.start(dir, ConfigLoader.parse(GatewayFixture.yaml(dir, workspaces()),
                SecretResolver.withEnvironment(Map.of())), GatewayFixture.clock(java.time.Clock.systemUTC()));
    }

    static String workspaces() {
        return """
                  - id: console
                    api_keys:
                      - { name: admin, sha256: "%s", permissions: [herald.admin, messages.send] }
                      - { name: send, sha256: "%s", permissions: [messages.send] }
                  - id: console2
                    api_keys: [ { name: admin, sha256: "%s", permissions: [herald.admin, messages.send] } ]
                """.formatted(ApiKeyAuthenticator.sha256Hex(ADMIN), ApiKeyAuthenticator.sha256Hex(SENDER),
                ApiKeyAuthenticator.sha256Hex(OTHER_ADMIN));
    }

    @AfterEach
    void stop() {
        gw.close();
        peer.close();
    }

    private HttpResponse<String> ops(String method, String path, String key) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.herald.opsPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30))
                .header("Origin", "https://evil.example");
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageAndItsFilesFromTheJarWithAStrictPolicy() throws Exception {
        for (String path : new String[] {"/console", "/console/", "/console/console.js", "/console/console.css",
                "/console/vendor/echarts.min.js"}) {
            var r = ops("GET", path, null);
            assertEquals(200, r.statusCode(), path);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'")
                    && csp.contains("frame-ancestors 'none'"), path + ": " + csp);
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""), path);
            assertFalse(r.headers().firstValue("Access-Control-Allow-Origin").isPresent(), path);
        }
        assertTrue(ops("GET", "/console/", null).body().contains("<title>Herald console</title>"));
        assertTrue(ops("GET", "/console/console.js", null).headers().firstValue("Content-Type").orElse("")
                .startsWith("text/javascript"));
        assertEquals(404, ops("GET", "/console/../pom.xml", null).statusCode());
        assertEquals(404, ops("GET", "/console/dev/herald/gateway/Herald.class", null).statusCode());
        assertEquals(405, ops("POST", "/console/", null).statusCode());
        assertEquals(200, ops("GET", "/healthz", null).statusCode(), "health checks still answer");
    }

    @Test
    void adminCallsOnTheOpsPortNeedAnAdminKey() throws Exception {
        String id = gw.accept(ADMIN, GatewayFixture.webhookSend("u1", peer.url("/gone"), "x"));
        gw.awaitStatus(ADMIN, id, GatewayFixture::settled);

        var none = ops("GET", "/herald/v1/admin/overview", null);
        assertEquals(401, none.statusCode());
        assertEquals("Error authenticating credentials", Json.parse(none.body()).path("message").asText());
        assertEquals(403, ops("GET", "/herald/v1/admin/overview", SENDER).statusCode());
        // Any key may read a dispatch on the API port; the console's port asks for herald.admin for everything.
        assertEquals(200, gw.get("/herald/v1/dispatches/" + id, SENDER).status());
        assertEquals(403, ops("GET", "/herald/v1/dispatches/" + id, SENDER).statusCode());
        assertEquals(404, ops("GET", "/messages/send", ADMIN).statusCode(), "the Braze API stays on the API port");

        var r = ops("GET", "/herald/v1/admin/overview", ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(r.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        assertTrue(r.headers().firstValue("RateLimit-Policy").isPresent(), "the limit's state, for the console");
        JsonNode o = Json.parse(r.body());
        assertEquals("console", o.path("workspace").asText());
        assertEquals(0, o.path("queues").path("standard").asInt());
        JsonNode dead = o.path("recent_dead_letters");
        assertEquals(1, dead.size(), o.toString());
        assertEquals(id, dead.get(0).path("dispatch_id").asText());
        assertEquals("failed", dead.get(0).path("status").asText());

        // Another workspace's admin sees none of it.
        JsonNode other = Json.parse(ops("GET", "/herald/v1/admin/overview", OTHER_ADMIN).body());
        assertEquals("console2", other.path("workspace").asText());
        assertEquals(0, other.path("recent_dead_letters").size());

        // The existing dead-letter replay, through the console's port.
        gone.set(false);
        String delivery = dead.get(0).path("delivery_id").asText();
        assertEquals(202, ops("POST", "/herald/v1/dead_letters/" + delivery + "/replay", ADMIN).statusCode());
        gw.awaitStatus(ADMIN, id, s -> GatewayFixture.allDeliveries(s, "delivered"));
    }
}
