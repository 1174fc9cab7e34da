package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.gateway.json.Json;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.PostgresServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A Herald started by its own composition root on 127.0.0.1:0 against a temporary SQLite file, with an HTTP
 * client and helpers for the API. With {@code -Dherald.test.store=postgres} (the build's second test run) the same
 * tests run on PostgreSQL instead: a database per test directory on the shared test server. Workspaces: {@code acme} (keys {@link #KEY} with messages.send and
 * {@link #RO_KEY} with users.track only) and {@code other} ({@link #OTHER_KEY}).
 */
final class GatewayFixture implements AutoCloseable {
    static final String KEY = "test-key-acme";
    static final String RO_KEY = "test-key-read-only";
    static final String OTHER_KEY = "test-key-other";
    static final String SB_KEY = "test-key-sandbox";

    record Response(int status, java.net.http.HttpHeaders headers, JsonNode json, String raw) {
        String message() {
            return json.path("message").asText();
        }
    }

    /** Whether the end-to-end tests run on PostgreSQL rather than SQLite. */
    static final boolean POSTGRES = "postgres".equals(System.getProperty("herald.test.store"));
    private static final Map<Path, String> DATABASES = new ConcurrentHashMap<>();

    final Path dir;
    final Herald herald;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayFixture(Path dir, Herald herald) {
        this.dir = dir;
        this.herald = herald;
    }

    static String yaml(Path dir, String extra) {
        return yaml(storeYaml(dir), extra);
    }

    /** The fixture's configuration with its own store section. */
    static String yaml(String storeSection, String extra) {
        return """
                server: { bind: 127.0.0.1, port: 0, ops_port: 0, max_body: 64KiB, shutdown_timeout: 5s }
                %s
                webhook: { allow_private_networks: true, connect_timeout: 1s, response_timeout: 3s }
                delivery: { retry_base: 100ms, retry_cap: 1s, poll_interval: 50ms }
                workspaces:
                  - id: acme
                    api_keys:
                      - { name: backend, sha256: "%s", permissions: [messages.send, users.track, users.delete, users.identify, users.alias.new, email.bounce.remove] }
                      - { name: ro, sha256: "%s", permissions: [users.track] }
                  - id: other
                    api_keys: [ { name: other, sha256: "%s", permissions: [messages.send] } ]
                  - id: sb
                    sandbox: true
                    api_keys: [ { name: sb, sha256: "%s", permissions: [messages.send, users.track, users.delete] } ]
                    apps: [ { app_id: ios-app, platform: ios }, { app_id: droid, platform: android } ]
                    sms: { twilio: { account_sid: ACtest, auth_token: secret }, subscription_groups: { sg-1: { from: "+15005550006" } } }
                %s
                """.formatted(storeSection, ApiKeyAuthenticator.sha256Hex(KEY),
                ApiKeyAuthenticator.sha256Hex(RO_KEY), ApiKeyAuthenticator.sha256Hex(OTHER_KEY),
                ApiKeyAuthenticator.sha256Hex(SB_KEY), extra);
    }

    /** A fixture configuration ({@link #yaml}) with more keys in its server section, such as timeouts. */
    static String withServerKeys(String yaml, String keys) {
        String server = "shutdown_timeout: 5s }";
        if (!yaml.contains(server)) {
            throw new IllegalStateException("the fixture's server section changed: " + yaml.lines().findFirst());
        }
        return yaml.replace(server, "shutdown_timeout: 5s, " + keys + " }");
    }

    /** The store section for a test directory: its SQLite file, or its PostgreSQL database. */
    static String storeYaml(Path dir) {
        if (!POSTGRES) {
            return "store: { path: \"" + dir.resolve("herald.db") + "\" }";
        }
        return "store: { kind: postgres, url: \"" + database(dir) + "\", user: " + PostgresServerProcess.USER
                + ", password: \"" + PostgresServerProcess.PASSWORD + "\", pool: 6, lease: 10s }";
    }

    private static String database(Path dir) {
        return DATABASES.computeIfAbsent(dir, d -> {
            try {
                return PostgresServerProcess.shared().createDatabase();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static HeraldConfig config(Path dir) {
        return ConfigLoader.parse(yaml(dir, ""), SecretResolver.withEnvironment(Map.of()));
    }

    static GatewayFixture start(Path dir) throws InterruptedException {
        return start(dir, config(dir), Herald.Overrides.none());
    }

    static GatewayFixture start(Path dir, HeraldConfig config, Herald.Overrides overrides) throws InterruptedException {
        return new GatewayFixture(dir, Herald.start(config, overrides));
    }

    /** Starts with a source the admin reload reads the configuration from. */
    static GatewayFixture start(Path dir, HeraldConfig config, Herald.Overrides overrides,
                                java.util.function.Supplier<HeraldConfig> reloadSource) throws InterruptedException {
        return new GatewayFixture(dir, Herald.start(config, overrides, java.util.Optional.of(reloadSource)));
    }

    /** A Herald on {@code clock} with real senders. */
    static Herald.Overrides clock(java.time.Clock clock) {
        return new Herald.Overrides(clock, java.util.random.RandomGenerator.getDefault(), java.util.Optional.empty());
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + herald.apiPort() + path);
    }

    Response post(String path, String key, String json, String... headers) throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(url(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    Response get(String path, String key) throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(url(path)).GET().timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    Response send(HttpRequest request) throws IOException, InterruptedException {
        return send(request, true);
    }

    /**
     * Sends; unless {@code jsonOnly}, an answer whose {@code Content-Type} is not JSON (a CSV export) is kept as
     * text, with a missing {@code json}. An answer said to be JSON, or of no type, must parse either way.
     */
    Response send(HttpRequest request, boolean jsonOnly) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (!jsonOnly && !r.headers().firstValue("Content-Type").map(t -> t.startsWith("application/json"))
                .orElse(true)) {
            return new Response(r.statusCode(), r.headers(), MissingNode.getInstance(), r.body());
        }
        JsonNode json;
        try {
            json = Json.parse(r.body());
        } catch (IOException e) {
            throw new AssertionError("response is not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
        return new Response(r.statusCode(), r.headers(), json, r.body());
    }

    /** Sends and returns the dispatch id, failing unless the answer is 201. */
    String accept(String json) throws IOException, InterruptedException {
        return accept(KEY, json);
    }

    /** Sends with {@code key} and returns the dispatch id, failing unless the answer is 201. */
    String accept(String key, String json) throws IOException, InterruptedException {
        Response r = post("/messages/send", key, json);
        if (r.status() != 201) {
            fail("expected 201, got " + r.status() + " " + r.raw());
        }
        return r.json().path("dispatch_id").asText();
    }

    JsonNode status(String dispatchId) throws IOException, InterruptedException {
        return status(KEY, dispatchId);
    }

    JsonNode status(String key, String dispatchId) throws IOException, InterruptedException {
        return get("/herald/v1/dispatches/" + dispatchId, key).json();
    }

    /** Polls the status API until {@code until} holds (the work is asynchronous; the deadline only bounds the test). */
    JsonNode awaitStatus(String dispatchId, Predicate<JsonNode> until) throws IOException, InterruptedException {
        return awaitStatus(KEY, dispatchId, until);
    }

    JsonNode awaitStatus(String key, String dispatchId, Predicate<JsonNode> until)
            throws IOException, InterruptedException {
        return Eventually.await(() -> {
            try {
                return status(key, dispatchId);
            } catch (IOException | InterruptedException e) {
                throw new AssertionError("the status API did not answer", e);
            }
        }, until);
    }

    /** Whether no delivery is queued or sending any more. */
    static boolean settled(JsonNode status) {
        var ds = status.path("deliveries");
        if (ds.isEmpty()) {
            return false;
        }
        for (JsonNode d : ds) {
            String s = d.path("status").asText();
            if (s.equals("queued") || s.equals("sending")) {
                return false;
            }
        }
        return true;
    }

    static boolean allDeliveries(JsonNode status, String state) {
        var ds = status.path("deliveries");
        if (ds.isEmpty()) {
            return false;
        }
        for (JsonNode d : ds) {
            if (!d.path("status").asText().equals(state)) {
                return false;
            }
        }
        return true;
    }

    /** Counts rows straight from the journal (a second connection to its file or database). */
    static long count(Path dir, String sql) throws SQLException {
        Connection connection;
        if (POSTGRES) {
            String url = DATABASES.get(dir);
            if (url == null) {
                return 0;
            }
            connection = DriverManager.getConnection(url, PostgresServerProcess.USER, PostgresServerProcess.PASSWORD);
        } else {
            Path db = dir.resolve("herald.db");
            if (!Files.exists(db)) {
                return 0;
            }
            connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        }
        try (Connection c = connection; ResultSet rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** A JSON string literal. */
    String json(String text) {
        return Json.MAPPER.getNodeFactory().textNode(text).toString();
    }

    static String webhookSend(String user, URI url, String body) {
        return """
                {"external_user_ids":["%s"],"messages":{"webhook":{"url":"%s","request_method":"POST",
                 "request_headers":{"Content-Type":"application/json","X-Trace":"t-1"},"body":%s}}}"""
                .formatted(user, url, Json.MAPPER.getNodeFactory().textNode(body));
    }

    @Override
    public void close() {
        herald.close();
    }
}
