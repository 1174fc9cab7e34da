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
    static final String SANDBOX_ADMIN = "test-key-console-sandbox";

    @TempDir
    Path dir;
    private final AtomicBoolean gone = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpPeer peer;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        peer = new HttpPeer().answer(ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/slow")) {
                HttpPeer.reply(ex, 429, Map.of("Retry-After", "120"), "{}");
            } else {
                HttpPeer.reply(ex, path.startsWith("/gone") && gone.get() ? 410 : 200, Map.of(), "{}");
            }
        });
        gw = GatewayFixture.start(dir, ConfigLoader.parse(GatewayFixture.yaml(dir, workspaces()),
                SecretResolver.withEnvironment(Map.of())), GatewayFixture.clock(java.time.Clock.systemUTC()));
    }

    static String workspaces() {
        return """
                  - id: console
                    api_keys:
                      - { name: admin, sha256: "%s", permissions: [herald.admin, messages.send] }
                      - { name: send, sha256: "%s", permissions: [messages.send] }
                    sms: { twilio: { account_sid: ACconsole, auth_token: "tw-console-secret" }, subscription_groups: { sg-1: { from: "+15005550006" } } }
                    canvases:
                      - { id: welcome, name: Welcome, webhook: { url: "https://hooks.example.test/w", request_method: POST, body: "hi" } }
                  - id: console2
                    api_keys: [ { name: admin, sha256: "%s", permissions: [herald.admin, messages.send] } ]
                  - id: console-sb
                    sandbox: true
                    api_keys: [ { name: admin, sha256: "%s", permissions: [herald.admin, messages.send] } ]
                """.formatted(ApiKeyAuthenticator.sha256Hex(ADMIN), ApiKeyAuthenticator.sha256Hex(SENDER),
                ApiKeyAuthenticator.sha256Hex(OTHER_ADMIN), ApiKeyAuthenticator.sha256Hex(SANDBOX_ADMIN));
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

    private JsonNode adminJson(String path, String key) throws Exception {
        var r = ops("GET", path, key);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        JsonNode n = Json.parse(r.body());
        assertEquals("success", n.path("message").asText());
        return n;
    }

    @Test
    void egressShowsTheWorkspacesKeysWithBreakerPauseAndLastError() throws Exception {
        String failed = gw.accept(ADMIN, GatewayFixture.webhookSend("u1", peer.url("/gone"), "x"));
        gw.awaitStatus(ADMIN, failed, GatewayFixture::settled);
        String host = peer.url("/").getHost() + ":" + peer.url("/").getPort();
        // A 429 pauses the key: another workspace's sends to the same host go on.
        gw.accept(OTHER_ADMIN, GatewayFixture.webhookSend("u2", peer.url("/slow"), "x"));

        JsonNode other = dev.herald.testkit.Eventually.await(() -> {
            try {
                return adminJson("/herald/v1/admin/egress", OTHER_ADMIN);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, n -> n.path("egress").size() == 1 && !n.path("egress").get(0).path("paused_until").isNull());
        JsonNode slow = other.path("egress").get(0);
        assertEquals("webhook:console2/" + host, slow.path("egress_key").asText());
        assertTrue(slow.path("pause_reason").asText().startsWith("throttled"), slow.toString());
        assertTrue(slow.path("last_error").asText().contains("429"), slow.toString());

        JsonNode mine = adminJson("/herald/v1/admin/egress", ADMIN).path("egress");
        assertEquals(1, mine.size(), mine.toString());
        JsonNode key = mine.get(0);
        assertEquals("webhook:console/" + host, key.path("egress_key").asText());
        assertEquals("closed", key.path("breaker").asText());
        assertTrue(key.path("paused_until").isNull(), key.toString());
        assertEquals(0, key.path("in_flight").asInt());
        assertEquals(32, key.path("concurrency").asInt());
        assertTrue(key.path("last_error").asText().contains("410"), key.toString());
        assertFalse(key.path("last_error_at").isNull());
    }

    @Test
    void theConfigurationShowsTheCallersWorkspaceWithSecretsOnlyAsSetOrUnset() throws Exception {
        var r = ops("GET", "/herald/v1/admin/config", ADMIN);
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(r.body().contains("tw-console-secret"), "a secret's value");
        assertFalse(r.body().contains(ApiKeyAuthenticator.sha256Hex(ADMIN)), "a key's hash");
        assertFalse(r.body().contains("console2"), "another workspace");
        JsonNode c = Json.parse(r.body()).path("config");
        assertEquals(0, c.path("server").path("port").asInt());
        assertEquals("console", c.path("workspace").path("id").asText());
        assertEquals("set", c.path("workspace").path("sms").path("twilio").path("auth_token").path("secret").asText());
        assertEquals("unset", c.path("workspace").path("events").path("signing_secret").path("secret").asText(),
                c.path("workspace").path("events").toString());
        JsonNode key = c.path("workspace").path("api_keys").get(0);
        assertEquals("admin", key.path("name").asText());
        assertEquals("set", key.path("sha256").path("secret").asText());
        assertEquals("welcome", c.path("workspace").path("canvases").get(0).path("id").asText());
        // Keys, durations and kinds as the file writes them.
        assertTrue(c.path("workspace").path("limits").has("users_track_per_3s"), c.path("workspace").toString());
        assertEquals("5s", c.path("server").path("shutdown_timeout").asText(), c.path("server").toString());
        assertEquals(GatewayFixture.POSTGRES ? "postgres" : "sqlite", c.path("store").path("kind").asText());

        // Herald started without a file: the reload says so, in Braze's envelope.
        var reload = ops("POST", "/herald/v1/admin/reload", ADMIN);
        assertEquals(400, reload.statusCode());
        assertTrue(Json.parse(reload.body()).path("message").asText().contains("embedded default"), reload.body());
    }

    @Test
    void messagesAreFoundByDispatchUserOrAddressInTheCallersWorkspaceOnly() throws Exception {
        URI ok = peer.url("/ok");
        String id = gw.accept(ADMIN, GatewayFixture.webhookSend("ana", ok, "x"));
        gw.awaitStatus(ADMIN, id, GatewayFixture::settled);

        JsonNode byId = adminJson("/herald/v1/admin/messages?dispatch_id=" + id, ADMIN).path("dispatches");
        assertEquals(1, byId.size());
        assertEquals(id, byId.get(0).path("dispatch_id").asText());
        assertEquals("messages.send", byId.get(0).path("kind").asText());

        JsonNode byUser = adminJson("/herald/v1/admin/messages?user_id=ana", ADMIN).path("dispatches");
        assertEquals(id, byUser.get(0).path("dispatch_id").asText());
        JsonNode matched = byUser.get(0).path("matched").get(0);
        assertEquals("external_id:ana", matched.path("recipient").asText());
        assertEquals("delivered", matched.path("status").asText());
        assertEquals(1, matched.path("attempts").asInt());

        String address = java.net.URLEncoder.encode(ok.toString(), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode byAddress = adminJson("/herald/v1/admin/messages?address=" + address, ADMIN).path("dispatches");
        assertEquals(id, byAddress.get(0).path("dispatch_id").asText());

        assertEquals(0, adminJson("/herald/v1/admin/messages?dispatch_id=" + id, OTHER_ADMIN).path("dispatches").size());
        assertEquals(0, adminJson("/herald/v1/admin/messages?user_id=ana", OTHER_ADMIN).path("dispatches").size());
        assertEquals(0, adminJson("/herald/v1/admin/messages?external_send_id=nope", ADMIN).path("dispatches").size());

        var none = ops("GET", "/herald/v1/admin/messages", ADMIN);
        assertEquals(400, none.statusCode());
        assertTrue(Json.parse(none.body()).path("message").asText().startsWith("give exactly one of"), none.body());
        assertEquals(400, ops("GET", "/herald/v1/admin/messages?user_id=a&address=b", ADMIN).statusCode());
        assertEquals(400, ops("GET", "/herald/v1/admin/messages?user_id=a&limit=0", ADMIN).statusCode());
    }

    @Test
    void exportsStreamUsagePerDayAndEveryMessagesResultInChunks() throws Exception {
        int requests = 21;
        int perRequest = 50; // 1,050 deliveries: more than one page of the message export
        for (int i = 0; i < requests; i++) {
            StringBuilder users = new StringBuilder();
            for (int u = 0; u < perRequest; u++) {
                users.append(u == 0 ? "" : ",").append("\"u").append(i).append('-').append(u).append('"');
            }
            gw.accept(SANDBOX_ADMIN, """
                    {"external_user_ids":[%s],"messages":{"webhook":{"url":"https://%s/hook",
                     "request_method":"POST","body":"x"}}}""".formatted(users, i == 0 ? "hooks.fail" : "hooks.test"));
        }
        int total = requests * perRequest;
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        dev.herald.testkit.Eventually.await(() -> {
            try {
                return adminJson("/herald/v1/usage?from=" + today, SANDBOX_ADMIN);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, u -> u.path("usage").size() > 0 && sum(u, "delivered") + sum(u, "failed") == total);

        var messages = ops("GET", "/herald/v1/admin/export/messages.csv?from=" + today + "&to=" + today,
                SANDBOX_ADMIN);
        assertEquals(200, messages.statusCode(), messages.body());
        assertTrue(messages.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertEquals("chunked", messages.headers().firstValue("Transfer-Encoding").orElse(""));
        String[] lines = messages.body().split("\r\n");
        assertEquals("dispatch_id,delivery_id,recipient,channel,status,attempts,created_at,updated_at,last_error",
                lines[0]);
        assertEquals(total + 1, lines.length);
        assertEquals(total, java.util.Arrays.stream(lines).skip(1).map(l -> l.split(",")[1]).distinct().count(),
                "each delivery once");
        assertEquals(perRequest, java.util.Arrays.stream(lines).filter(l -> l.contains(",webhook,failed,")).count());

        var usage = ops("GET", "/herald/v1/admin/export/usage.csv?from=" + today + "&to=" + today, SANDBOX_ADMIN);
        assertEquals(200, usage.statusCode(), usage.body());
        String[] days = usage.body().split("\r\n");
        assertTrue(days[0].startsWith("day,channel,accepted,sent,delivered"), days[0]);
        assertEquals(2, days.length, usage.body());
        assertTrue(days[1].startsWith(today + ",webhook," + total + ","), days[1]);

        // Another workspace's export is its own (empty), and bad ranges are JSON 400s.
        assertEquals(1, ops("GET", "/herald/v1/admin/export/messages.csv?from=" + today, ADMIN).body()
                .split("\r\n").length);
        var bad = ops("GET", "/herald/v1/admin/export/usage.csv?from=2026-13-01", SANDBOX_ADMIN);
        assertEquals(400, bad.statusCode());
        assertTrue(Json.parse(bad.body()).path("message").asText().startsWith("from must be a UTC date"), bad.body());
        assertEquals(400, ops("GET", "/herald/v1/admin/export/usage.csv?from=2024-01-01&to=2026-01-01",
                SANDBOX_ADMIN).statusCode());
        assertEquals(400, ops("GET", "/herald/v1/admin/export/usage.csv?from=2026-02-01&to=2026-01-01",
                SANDBOX_ADMIN).statusCode());
        // The connection that streamed is still good for the next request.
        assertEquals(200, ops("GET", "/herald/v1/admin/overview", SANDBOX_ADMIN).statusCode());
    }

    private static long sum(JsonNode usage, String column) {
        long n = 0;
        for (JsonNode r : usage.path("usage")) {
            n += r.path(column).asLong();
        }
        return n;
    }
}
