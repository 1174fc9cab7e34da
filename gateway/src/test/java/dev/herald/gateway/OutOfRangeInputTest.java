package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Times, ids and shapes outside what Herald can store are a JSON 400 naming the field, never a 500 from deep
 * inside (epoch milliseconds that overflow, date arithmetic past year 999,999,999) and never a silent 201.
 */
final class OutOfRangeInputTest {
    private static final String KEY = "out-of-range-key";
    private static final String FAR = "+999999999-12-31T23:59:59Z";
    private static final String HOOK = "\"webhook\":{\"url\":\"http://127.0.0.1:9/h\",\"request_method\":\"POST\"}";

    @TempDir
    static Path dir;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        String ws = """
                  - id: far
                    api_keys: [ { name: f, sha256: "%s", permissions: [messages.send, messages.schedule.create, sends.id.create, sends.data_series, messages.schedule_broadcasts, users.track] } ]
                    campaigns:
                      - { id: camp, webhook: { url: "http://127.0.0.1:9/c", request_method: POST, body: "c" } }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY));
        gw = GatewayFixture.start(dir, ConfigLoader.parse(GatewayFixture.yaml(dir, ws),
                SecretResolver.withEnvironment(Map.of())), Herald.Overrides.none());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static void assertBadRequestNaming(GatewayFixture.Response r, String field) {
        assertEquals(400, r.status(), r.raw());
        assertTrue(r.message().contains(field), r.raw());
    }

    @ParameterizedTest
    @ValueSource(strings = {FAR, "+999999999-12-31T23:59:59", "-999999999-01-01T00:00:00Z"})
    void aScheduleTimeBeyondYear9999IsA400(String time) throws Exception {
        for (String local : new String[] {"false", "true"}) {
            var r = gw.post("/messages/schedule/create", KEY, "{\"external_user_ids\":[\"u\"],\"schedule\":{\"time\":\""
                    + time + "\",\"in_local_time\":" + local + "},\"messages\":{" + HOOK + "}}");
            assertBadRequestNaming(r, "schedule.time");
        }
    }

    @Test
    void aDataSeriesEndingBeyondYear9999IsA400NamingEndingAt() throws Exception {
        assertEquals(201, gw.post("/sends/id/create", KEY, "{\"campaign_id\":\"camp\",\"send_id\":\"s1\"}").status());
        // The last day java.time knows has no next day to end at (the fuzzer found it answered 500).
        for (String end : new String[] {FAR, "+999999999-12-31"}) {
            var r = gw.get("/sends/data_series?campaign_id=camp&send_id=s1&length=100&ending_at="
                    + URLEncoder.encode(end, StandardCharsets.UTF_8), KEY);
            assertBadRequestNaming(r, "ending_at");
        }
        var list = gw.get("/messages/scheduled_broadcasts?end_time=" + URLEncoder.encode(FAR, StandardCharsets.UTF_8),
                KEY);
        assertBadRequestNaming(list, "end_time");
    }

    @Test
    void anEventTimeBeyondYear9999IsAnItemErrorNotA500() throws Exception {
        var r = gw.post("/users/track", KEY, "{\"events\":[{\"external_id\":\"u\",\"name\":\"e\",\"time\":\"" + FAR
                + "\"}]}");
        assertTrue(r.status() == 400 || r.status() == 201 && r.raw().contains("errors"), r.raw());
        assertTrue(r.raw().contains("time"), r.raw());
    }

    @Test
    void idsThatCannotBeStoredAreA400NamingTheField() throws Exception {
        String longId = "u".repeat(513);
        assertBadRequestNaming(gw.post("/messages/send", KEY, "{\"external_user_ids\":[\"" + longId
                + "\"],\"messages\":{" + HOOK + "}}"), "external_user_ids[] must be at most 512 bytes");
        assertEquals(201, gw.post("/messages/send", KEY, "{\"external_user_ids\":[\"" + "é".repeat(256)
                + "\"],\"messages\":{" + HOOK + "}}").status(), "512 bytes of two-byte characters fit");
        assertBadRequestNaming(gw.post("/messages/send", KEY, "{\"external_user_ids\":[\"a\\ud800b\"],\"messages\":{"
                + HOOK + "}}"), "unpaired surrogate");
        assertBadRequestNaming(gw.post("/messages/send", KEY, "{\"user_aliases\":[{\"alias_name\":\"" + longId
                + "\",\"alias_label\":\"l\"}],\"messages\":{" + HOOK + "}}"), "user_aliases[].alias_name");
        var track = gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"" + longId + "\",\"x\":1}]}");
        assertTrue(track.raw().contains("'external_id' must be at most 512 bytes"), track.raw());
    }

    @Test
    void shapesBrazeDoesNotAcceptAreA400() throws Exception {
        assertBadRequestNaming(gw.post("/messages/send", KEY, "{\"external_user_ids\":\"u1\",\"messages\":{" + HOOK
                + "}}"), "external_user_ids must be an array");
        assertBadRequestNaming(gw.post("/messages/send", KEY, "{\"external_user_ids\":[\"u1\"],\"messages\":{"
                + "\"webhook\":{\"url\":\"http://127.0.0.1:9/h\",\"request_method\":\"POST\",\"body\":{\"a\":1}}}}"),
                "messages.webhook.body must be a string");
    }
}
