package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.gateway.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of every endpoint's body parser and the Liquid checks behind them, through the
 * real HTTP server. The property: every input gets a JSON answer with a status below 500 (a 2xx, or a 4xx in
 * Braze's envelope) within ten seconds: never a 5xx, a hang or a crash.
 *
 * <p>An input is {@code <endpoint number>\n<body>}: for a GET endpoint the body is its query string. The seeds
 * (and every finding, kept as a regression case) live in {@code ApiFuzzTestsInputs/requestsGetJsonBelow500/} beside
 * this class's resources, and run on every {@code mvn test}. With {@code JAZZER_FUZZ=1} the test fuzzes: {@code mvn
 * test} sets it for {@link #requestsGetJsonBelow500} for a few seconds; a longer run on demand:
 * {@code JAZZER_FUZZ=1 mvn -pl gateway -am test -Dtest=ApiFuzzTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Djazzer.max_duration=10m} (see the README's "Fuzzing").
 */
final class ApiFuzzTests {
    static final String KEY = "fuzz-key";
    /** Every endpoint a workspace key can reach; the fuzzer picks one by number. */
    static final List<String> ENDPOINTS = List.of(
            "POST /messages/send",
            "POST /messages/schedule/create",
            "POST /messages/schedule/update",
            "POST /messages/schedule/delete",
            "POST /campaigns/trigger/send",
            "POST /campaigns/trigger/schedule/create",
            "POST /campaigns/trigger/schedule/update",
            "POST /campaigns/trigger/schedule/delete",
            "POST /canvas/trigger/send",
            "POST /canvas/trigger/schedule/create",
            "POST /canvas/trigger/schedule/update",
            "POST /canvas/trigger/schedule/delete",
            "POST /transactional/v1/campaigns/tx/send",
            "POST /users/track",
            "POST /users/delete",
            "POST /users/identify",
            "POST /users/alias/new",
            "POST /sends/id/create",
            "GET /sends/data_series",
            "GET /messages/scheduled_broadcasts",
            "GET /herald/v1/dispatches/x",
            "POST /email/status",
            "GET /email/unsubscribes",
            "GET /email/hard_bounces",
            "POST /email/bounce/remove",
            "POST /email/spam/remove",
            "POST /email/blocklist",
            "POST /subscription/status/set",
            "POST /v2/subscription/status/set",
            "GET /subscription/status/get",
            "GET /subscription/user/status",
            "GET /sms/invalid_phone_numbers",
            "POST /sms/invalid_phone_numbers/remove",
            "POST /templates/email/create",
            "POST /templates/email/update",
            "GET /templates/email/list",
            "GET /templates/email/info",
            "POST /content_blocks/create",
            "POST /content_blocks/update",
            "GET /content_blocks/list",
            "GET /content_blocks/info",
            "GET /campaigns/list",
            "GET /campaigns/details",
            "GET /canvas/list",
            "GET /canvas/details",
            "POST /users/merge",
            "POST /users/alias/update",
            "POST /users/external_ids/rename",
            "POST /users/external_ids/remove",
            "POST /users/export/ids");

    private static Path dir;
    private static GatewayFixture gw;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("herald-fuzz");
        String ws = """
                  - id: fuzz
                    api_keys: [ { name: f, sha256: "%s", permissions: [messages.send, messages.schedule.create, messages.schedule.update, messages.schedule.delete, messages.schedule_broadcasts, campaigns.trigger.send, campaigns.trigger.schedule.create, campaigns.trigger.schedule.update, campaigns.trigger.schedule.delete, canvas.trigger.send, canvas.trigger.schedule.create, canvas.trigger.schedule.update, canvas.trigger.schedule.delete, transactional.send, users.track, users.delete, users.identify, users.alias.new, sends.id.create, sends.data_series, email.status, email.unsubscribe, email.hard_bounces, email.bounce.remove, email.spam.remove, email.blacklist, subscription.status.set, subscription.status.get, subscription.groups.get, sms.invalid_phone_numbers, sms.invalid_phone_numbers.remove, templates.email.create, templates.email.update, templates.email.list, templates.email.info, content_blocks.create, content_blocks.update, content_blocks.list, content_blocks.info, campaigns.list, campaigns.details, canvas.list, canvas.details, users.merge, users.alias.update, users.external_ids.rename, users.external_ids.remove, users.export.ids] } ]
                    email: { smtp: { host: 127.0.0.1, port: 9, starttls: disabled }, subscription_groups: [news] }
                    sms: { twilio: { account_sid: ACf, auth_token: t, api_base: "http://127.0.0.1:9" }, subscription_groups: { sg: { from: "+15005550006" } } }
                    campaigns:
                      - { id: camp, webhook: { url: "http://127.0.0.1:9/c", request_method: POST, body: "hi {{${first_name}}} {{api_trigger_properties.${x}}}" } }
                      - { id: tx, transactional: true, email: { app_id: a, from: "a@acme.test", subject: "Hi {{${first_name}}}", body: "{{api_trigger_properties.${x}}}" } }
                    canvases:
                      - { id: canv, webhook: { url: "http://127.0.0.1:9/v", request_method: POST, body: "{{canvas_entry_properties.${x}}}" } }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY));
        gw = GatewayFixture.start(dir, ConfigLoader.parse(GatewayFixture.yaml(dir, ws),
                SecretResolver.withEnvironment(Map.of())), Herald.Overrides.none());
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @FuzzTest(maxDuration = "20s")
    void requestsGetJsonBelow500(String input) throws Exception {
        if (input == null) {
            return; // Jazzer's "no input" seed
        }
        int newline = input.indexOf('\n');
        String head = newline < 0 ? input : input.substring(0, newline);
        String body = newline < 0 ? "" : input.substring(newline + 1);
        String endpoint = ENDPOINTS.get(Math.floorMod(head.hashCode(), ENDPOINTS.size()));
        for (int i = 0; i < ENDPOINTS.size(); i++) {
            if (head.trim().equals(String.valueOf(i))) {
                endpoint = ENDPOINTS.get(i);
            }
        }
        check(endpoint, body);
    }

    static void check(String endpoint, String body) throws IOException, InterruptedException {
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String path = endpoint.substring(endpoint.indexOf(' ') + 1);
        HttpRequest.Builder request;
        String base = "http://127.0.0.1:" + gw.herald.apiPort();
        if (method.equals("GET")) {
            String query = URLEncoder.encode(body, StandardCharsets.UTF_8).replace("%3D", "=").replace("%26", "&");
            request = HttpRequest.newBuilder(URI.create(base + path + "?" + query)).GET();
        } else {
            request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r;
        try {
            r = client.send(request.header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            fail("no answer within 10 s to " + endpoint + " with " + abbreviated(body));
            return;
        }
        assertTrue(r.statusCode() < 500, endpoint + " answered " + r.statusCode() + " " + r.body() + " to "
                + abbreviated(body));
        assertTrue(Json.parse(r.body()).isObject(), "not a JSON object: " + r.body());
    }

    private static String abbreviated(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }
}
