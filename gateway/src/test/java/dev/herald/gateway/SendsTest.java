package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /sends/id/create} and {@code /sends/data_series}, counted from the journal. */
final class SendsTest {
    static final String KEY = "test-key-sends";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private HttpPeer hooks;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        hooks = new HttpPeer().answer(ex -> HttpPeer.reply(ex, ex.getRequestURI().getPath().endsWith("/bad") ? 400 : 200,
                Map.of(), "{}"));
        String ws = """
                  - id: snd
                    api_keys: [ { name: s, sha256: "%s", permissions: [messages.send, sends.id.create, sends.data_series] } ]
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY));
        var config = ConfigLoader.parse(GatewayFixture.yaml(dir, ws), SecretResolver.withEnvironment(Map.of()));
        gw = GatewayFixture.start(dir, config, GatewayFixture.clock(clock));
    }

    @AfterEach
    void stop() {
        gw.close();
        hooks.close();
    }

    @Test
    void sendIdsAreCreatedGeneratedAndLimitedToOneHundredADay() throws Exception {
        var given = gw.post("/sends/id/create", KEY, "{\"campaign_id\":\"c1\",\"send_id\":\"spring-sale\"}");
        assertEquals(201, given.status(), given.raw());
        assertEquals("spring-sale", given.json().path("send_id").asText());
        var generated = gw.post("/sends/id/create", KEY, "{\"campaign_id\":\"c1\"}");
        assertEquals(32, generated.json().path("send_id").asText().length(), generated.raw());
        for (int i = 2; i < 100; i++) {
            var r = gw.post("/sends/id/create", KEY, "{\"campaign_id\":\"c1\",\"send_id\":\"s" + i + "\"}");
            assertEquals(201, r.status(), r.raw());
        }
        var over = gw.post("/sends/id/create", KEY, "{\"campaign_id\":\"c2\",\"send_id\":\"one-too-many\"}");
        assertEquals(429, over.status(), over.raw());
        assertTrue(over.message().contains("100"), over.raw());
        var existing = gw.post("/sends/id/create", KEY, "{\"campaign_id\":\"c1\",\"send_id\":\"spring-sale\"}");
        assertEquals(201, existing.status(), "re-creating an existing pair is free: " + existing.raw());
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        assertEquals(201, gw.post("/sends/id/create", KEY, "{\"campaign_id\":\"c2\",\"send_id\":\"next-day\"}").status());
        assertEquals(400, gw.post("/sends/id/create", KEY, "{}").status());
        assertEquals(400, gw.post("/sends/id/create", KEY, "{\"campaign_id\":\"c\",\"send_id\":\"has space\"}").status());
    }

    @Test
    void dataSeriesCountsTheDeliveriesOfATrackedSendPerDayAndChannel() throws Exception {
        String tagged = """
                {"campaign_id":"c1","send_id":"s1","external_user_ids":["a","b","c"],
                 "messages":{"webhook":{"url":"%s","request_method":"POST","body":"x"}}}""";
        String ok = gw.accept(KEY, tagged.formatted(hooks.url("/ok")));
        String bad = gw.accept(KEY, tagged.formatted(hooks.url("/bad")).replace("[\"a\",\"b\",\"c\"]", "[\"d\"]"));
        gw.accept(KEY, tagged.formatted(hooks.url("/ok")).replace("\"s1\"", "\"s2\""));
        gw.awaitStatus(KEY, ok, GatewayFixture::settled);
        gw.awaitStatus(KEY, bad, GatewayFixture::settled);
        clock.advance(Duration.ofDays(1));

        JsonNode series = gw.get("/sends/data_series?campaign_id=c1&send_id=s1&length=3", KEY).json();
        assertEquals("success", series.path("message").asText(), series.toString());
        JsonNode data = series.path("data");
        assertEquals(3, data.size(), series.toString());
        assertEquals("2026-11-22", data.get(0).path("time").asText());
        JsonNode day = data.get(1);
        assertEquals("2026-11-23", day.path("time").asText());
        JsonNode webhook = day.path("messages").path("webhook").get(0);
        assertEquals(3, webhook.path("sent").asInt(), day.toString());
        assertEquals(1, webhook.path("errors").asInt(), day.toString());
        assertEquals(4, day.path("unique_recipients").asInt());
        assertEquals(0, data.get(2).path("messages").size());

        assertEquals(400, gw.get("/sends/data_series?campaign_id=c1&send_id=s1", KEY).status());
        var tooLong = gw.get("/sends/data_series?campaign_id=c1&send_id=s1&length=101", KEY);
        assertEquals(400, tooLong.status());
        assertEquals("length must be a whole number of days from 1 to 100, was 101",
                tooLong.json().path("message").asText());
        assertEquals("length must be a whole number of days from 1 to 100, was two",
                gw.get("/sends/data_series?campaign_id=c1&send_id=s1&length=two", KEY).json().path("message").asText());
        assertEquals(400, gw.get("/sends/data_series?send_id=s1&length=1", KEY).status());
        assertEquals(400, gw.get("/sends/data_series?campaign_id=c1&send_id=s1&length=1&ending_at=soon", KEY).status());
        JsonNode ended = gw.get("/sends/data_series?campaign_id=c1&send_id=s1&length=1&ending_at=2026-11-23T23:00:00Z",
                KEY).json();
        assertEquals("2026-11-23", ended.path("data").get(0).path("time").asText(), ended.toString());
    }
}
