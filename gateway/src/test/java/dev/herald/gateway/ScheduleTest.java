package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled sends on a fake clock: create, update, delete, list, local time, and a restart in between. */
final class ScheduleTest {
    static final String KEY = "test-key-schedule";
    static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private HttpPeer hooks;
    private HeraldConfig config;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        hooks = new HttpPeer().answer(200, Map.of(), "{}");
        String ws = """
                  - id: sch
                    api_keys: [ { name: s, sha256: "%s", permissions: [messages.schedule.create, messages.schedule.update,
                      messages.schedule.delete, messages.schedule_broadcasts, campaigns.trigger.schedule.create,
                      campaigns.trigger.schedule.update, campaigns.trigger.schedule.delete, users.track] } ]
                    campaigns:
                      - id: promo
                        webhook: { url: "%s", request_method: POST, body: "promo {{api_trigger_properties.${n}}}" }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), hooks.url("/promo"));
        config = ConfigLoader.parse(GatewayFixture.yaml(dir, ws), SecretResolver.withEnvironment(Map.of()));
        gw = GatewayFixture.start(dir, config, GatewayFixture.clock(clock));
    }

    @AfterEach
    void stop() {
        gw.close();
        hooks.close();
    }

    private String webhook(String body) {
        return "{\"url\":\"" + hooks.url("/m") + "\",\"request_method\":\"POST\",\"body\":\"" + body + "\"}";
    }

    private String create(String at, String body) throws Exception {
        var r = gw.post("/messages/schedule/create", KEY, """
                {"external_user_ids":["ana"],"schedule":{"time":"%s"},"messages":{"webhook":%s}}"""
                .formatted(at, webhook(body)));
        assertEquals(201, r.status(), r.raw());
        assertEquals(r.json().path("dispatch_id").asText(), r.json().path("schedule_id").asText());
        return r.json().path("schedule_id").asText();
    }

    /** Moves the clock, lets the scheduler look, and returns the bodies received so far. */
    private List<String> after(Duration d, int expect) throws InterruptedException {
        clock.advance(d);
        gw.herald.settle(); // what is due at the new time has been sent, and nothing else
        List<String> bodies = hooks.received().stream().map(HttpPeer.Received::body).sorted().toList();
        assertEquals(expect, bodies.size(), bodies.toString());
        return bodies;
    }

    @Test
    void aScheduleWaitsForItsTimeIsListedAndThenSends() throws Exception {
        String id = create("2026-11-23T11:00:00Z", "hello");
        assertEquals("scheduled", gw.status(KEY, id).path("status").asText());
        JsonNode listed = gw.get("/messages/scheduled_broadcasts?end_time=2026-11-24T00:00:00Z", KEY).json();
        assertEquals(id, listed.path("scheduled_broadcasts").get(0).path("id").asText(), listed.toString());
        assertEquals("2026-11-23T11:00:00Z", listed.path("scheduled_broadcasts").get(0).path("next_send_time").asText());
        assertEquals(0, gw.get("/messages/scheduled_broadcasts?end_time=2026-11-23T10:30:00Z", KEY).json()
                .path("scheduled_broadcasts").size());
        assertEquals(List.of(), after(Duration.ofMinutes(59), 0));
        assertEquals(List.of("hello"), after(Duration.ofMinutes(2), 1));
        var late = gw.post("/messages/schedule/update", KEY,
                "{\"schedule_id\":\"" + id + "\",\"schedule\":{\"time\":\"2026-11-25T00:00:00Z\"}}");
        assertEquals(400, late.status(), late.raw());
        assertTrue(late.message().contains("started sending"), late.raw());
    }

    @Test
    void updatesMoveTheTimeAndReplaceTheMessagesAndDeletesCancel() throws Exception {
        String moved = create("2026-11-23T11:00:00Z", "first");
        var r = gw.post("/messages/schedule/update", KEY, "{\"schedule_id\":\"" + moved + "\",\"schedule\":"
                + "{\"time\":\"2026-11-23T13:00:00Z\"},\"messages\":{\"webhook\":" + webhook("second") + "}}");
        assertEquals(201, r.status(), r.raw());
        String deleted = create("2026-11-23T12:00:00Z", "deleted");
        r = gw.post("/messages/schedule/delete", KEY, "{\"schedule_id\":\"" + deleted + "\"}");
        assertEquals(201, r.status(), r.raw());
        var again = gw.post("/messages/schedule/update", KEY,
                "{\"schedule_id\":\"" + deleted + "\",\"schedule\":{\"time\":\"2026-11-23T14:00:00Z\"}}");
        assertEquals(400, again.status(), again.raw());
        assertEquals(List.of(), after(Duration.ofHours(2).plusMinutes(30), 0));
        assertEquals(List.of("second"), after(Duration.ofHours(1), 1));
    }

    @Test
    void aScheduleSurvivesARestart() throws Exception {
        create("2026-11-23T11:00:00Z", "durable");
        gw.close();
        clock.advance(Duration.ofHours(2));
        gw = GatewayFixture.start(dir, config, GatewayFixture.clock(clock));
        assertEquals(List.of("durable"), after(Duration.ZERO, 1));
    }

    @Test
    void localTimeReachesEachUserAtTheirOwnWallClock() throws Exception {
        gw.post("/users/track", KEY, """
                {"attributes":[{"external_id":"tokyo","time_zone":"Asia/Tokyo"},
                               {"external_id":"ny","time_zone":"America/New_York"}]}""");
        var r = gw.post("/messages/schedule/create", KEY, """
                {"external_user_ids":["tokyo","ny"],"schedule":{"time":"2026-11-24T09:00:00","in_local_time":true},
                 "messages":{"webhook":{"url":"%s","request_method":"POST","body":"gm {{${user_id}}}"}}}"""
                .formatted(hooks.url("/m")));
        assertEquals(201, r.status(), r.raw());
        // 09:00 in Tokyo is 00:00 UTC; in New York (EST) 14:00 UTC.
        assertEquals(List.of(), after(Duration.ofHours(13).plusMinutes(59), 0));
        assertEquals(List.of("gm tokyo"), after(Duration.ofMinutes(2), 1));
        assertEquals(List.of("gm tokyo"), after(Duration.ofHours(13).plusMinutes(50), 1));
        assertEquals(List.of("gm ny", "gm tokyo"), after(Duration.ofMinutes(10), 2));
    }

    @Test
    void localTimeKeepsEachUsersFullAgeLimitAcrossTheDateLine() throws Exception {
        gw.post("/users/track", KEY, """
                {"attributes":[{"external_id":"kiri","time_zone":"Pacific/Kiritimati"},
                               {"external_id":"hnl","time_zone":"Pacific/Honolulu"}]}""");
        var r = gw.post("/messages/schedule/create", KEY, """
                {"external_user_ids":["kiri","hnl"],"schedule":{"time":"2026-11-24T09:00:00","in_local_time":true},
                 "messages":{"webhook":{"url":"%s","request_method":"POST","body":"gm {{${user_id}}}"}}}"""
                .formatted(hooks.url("/m")));
        assertEquals(201, r.status(), r.raw());
        // Kiritimati (UTC+14) reaches 09:00 at 19:00 UTC today, Honolulu (UTC-10) a full day (= max_age) later.
        assertEquals(List.of("gm kiri"), after(Duration.ofHours(9).plusMinutes(1), 1));
        assertEquals(List.of("gm hnl", "gm kiri"), after(Duration.ofHours(24), 2));
    }

    @Test
    void aScheduleMovedPastItsAgeLimitStillSends() throws Exception {
        String id = create("2026-11-23T11:00:00Z", "moved");
        var r = gw.post("/messages/schedule/update", KEY,
                "{\"schedule_id\":\"" + id + "\",\"schedule\":{\"time\":\"2026-11-26T11:00:00Z\"}}");
        assertEquals(201, r.status(), r.raw());
        assertEquals(List.of(), after(Duration.ofDays(2), 0));
        assertEquals(List.of("moved"), after(Duration.ofDays(1).plusHours(1).plusMinutes(1), 1));
    }

    @Test
    void campaignSchedulesAreCheckedAgainstTheirCampaign() throws Exception {
        var r = gw.post("/campaigns/trigger/schedule/create", KEY, """
                {"campaign_id":"promo","trigger_properties":{"n":"7"},"recipients":[{"external_user_id":"ana"}],
                 "schedule":{"time":"2026-11-23T10:30:00Z"}}""");
        assertEquals(201, r.status(), r.raw());
        String id = r.json().path("schedule_id").asText();
        var wrong = gw.post("/campaigns/trigger/schedule/delete", KEY,
                "{\"campaign_id\":\"other\",\"schedule_id\":\"" + id + "\"}");
        assertEquals(404, wrong.status(), wrong.raw());
        assertEquals(List.of("promo 7"), after(Duration.ofMinutes(31), 1));
    }

    @Test
    void badSchedulesAreRefused() throws Exception {
        String ok = "\"external_user_ids\":[\"ana\"],\"messages\":{\"webhook\":" + webhook("x") + "}";
        record Case(String body, String inMessage) {
        }
        for (Case c : List.of(new Case("{" + ok + "}", "schedule is required"),
                new Case("{" + ok + ",\"schedule\":{\"time\":\"2026-11-23T09:00:00Z\"}}", "has passed"),
                new Case("{" + ok + ",\"schedule\":{\"time\":\"tomorrow\"}}", "cannot parse"),
                new Case("{" + ok + ",\"schedule\":{\"time\":\"2026-11-22T09:00:00\",\"in_local_time\":true}}",
                        "every time zone"))) {
            var r = gw.post("/messages/schedule/create", KEY, c.body());
            assertEquals(400, r.status(), r.raw());
            assertTrue(r.message().contains(c.inMessage()), r.raw());
        }
        var missing = gw.post("/messages/schedule/delete", KEY, "{\"schedule_id\":\"0123456789abcdef0123456789abcdef\"}");
        assertEquals(404, missing.status(), missing.raw());
        var noId = gw.post("/messages/schedule/delete", KEY, "{}");
        assertEquals(400, noId.status(), noId.raw());
        var noEnd = gw.get("/messages/scheduled_broadcasts", KEY);
        assertEquals(400, noEnd.status(), noEnd.raw());
        assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM dispatch"));
    }
}
