package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /campaigns/trigger/send} and {@code /canvas/trigger/send} with configured templates, end to end. */
final class TriggerTest {
    static final String KEY = "test-key-trigger";

    @TempDir
    Path dir;
    private HttpPeer hooks;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        hooks = new HttpPeer().answer(200, Map.of(), "{}");
        String ws = """
                  - id: tr
                    api_keys: [ { name: t, sha256: "%1$s", permissions: [campaigns.trigger.send, canvas.trigger.send, users.track] } ]
                    campaigns:
                      - id: promo
                        webhook: { url: "%2$s", request_method: POST, body: "hi {{api_trigger_properties.${name}}} {{${first_name} | default: 'friend'}}" }
                      - id: frozen
                        paused: true
                        webhook: { url: "%2$s", request_method: POST, body: "never" }
                    canvases:
                      - id: welcome
                        webhook: { url: "%2$s", request_method: POST, body: "ctx={{context.${who}}} legacy={{canvas_entry_properties.${who}}}" }
                      - id: sleeping
                        paused: true
                        webhook: { url: "%2$s", request_method: POST, body: "never" }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), hooks.url("/hook"));
        var config = ConfigLoader.parse(GatewayFixture.yaml(dir, ws), SecretResolver.withEnvironment(Map.of()));
        gw = GatewayFixture.start(dir, config, Herald.Overrides.none());
    }

    @AfterEach
    void stop() {
        gw.close();
        hooks.close();
    }

    private List<String> bodies(int atLeast) {
        Eventually.until(Duration.ofSeconds(60), atLeast + " webhooks", () -> hooks.received().size() >= atLeast);
        return hooks.received().stream().map(HttpPeer.Received::body).sorted().toList();
    }

    private String accepted(String path, String body) throws Exception {
        var r = gw.post(path, KEY, body);
        assertEquals(201, r.status(), r.raw());
        assertEquals("success", r.message());
        return r.json().path("dispatch_id").asText();
    }

    @Test
    void eachRecipientsTriggerPropertiesOverrideTheRequestsAndProfilesPersonalise() throws Exception {
        gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"ana\",\"first_name\":\"Ana\"}]}");
        accepted("/campaigns/trigger/send", """
                {"campaign_id":"promo","trigger_properties":{"name":"all"},
                 "recipients":[{"external_user_id":"ana"},
                               {"external_user_id":"bo","trigger_properties":{"name":"bo"}}]}""");
        assertEquals(List.of("hi all Ana", "hi bo friend"), bodies(2));
    }

    @Test
    void listedRecipientsWithAnAudienceReachOnlyTheListedUsersInIt() throws Exception {
        gw.post("/users/track", KEY, """
                {"attributes":[{"external_id":"g1","tier":"gold"},{"external_id":"g2","tier":"gold"},
                               {"external_id":"b1","tier":"basic"}]}""");
        String id = accepted("/campaigns/trigger/send", """
                {"campaign_id":"promo","trigger_properties":{"name":"x"},
                 "recipients":[{"external_user_id":"g1"},{"external_user_id":"b1"}],
                 "audience":{"custom_attribute":{"custom_attribute_name":"tier","comparison":"equals","value":"gold"}}}""");
        JsonNode status = gw.awaitStatus(KEY, id, s -> GatewayFixture.allDeliveries(s, "delivered"));
        assertEquals(1, status.path("deliveries").size(), status.toString());
        assertEquals("external_id:g1", status.path("deliveries").get(0).path("recipient").asText());
    }

    @Test
    void aCanvasReadsContextAndTheLegacyEntryPropertiesUnderBothNames() throws Exception {
        accepted("/canvas/trigger/send", """
                {"canvas_id":"welcome","context":{"who":"new"},"recipients":[{"external_user_id":"ana"}]}""");
        accepted("/canvas/trigger/send", """
                {"canvas_id":"welcome","canvas_entry_properties":{"who":"old"},"recipients":[{"external_user_id":"bo"}]}""");
        assertEquals(List.of("ctx=new legacy=new", "ctx=old legacy=old"), bodies(2));
    }

    @Test
    void pausedCampaignsAreRefusedAndPausedCanvasesAnswerWithANotice() throws Exception {
        var paused = gw.post("/campaigns/trigger/send", KEY,
                "{\"campaign_id\":\"frozen\",\"recipients\":[{\"external_user_id\":\"ana\"}]}");
        assertEquals(400, paused.status(), paused.raw());
        var sleeping = gw.post("/canvas/trigger/send", KEY,
                "{\"canvas_id\":\"sleeping\",\"recipients\":[{\"external_user_id\":\"ana\"}]}");
        assertEquals(201, sleeping.status(), sleeping.raw());
        assertTrue(sleeping.json().path("notice").asText().contains("paused"), sleeping.raw());
        var unknown = gw.post("/campaigns/trigger/send", KEY,
                "{\"campaign_id\":\"nope\",\"recipients\":[{\"external_user_id\":\"ana\"}]}");
        assertEquals(400, unknown.status(), unknown.raw());
        var noTarget = gw.post("/campaigns/trigger/send", KEY, "{\"campaign_id\":\"promo\"}");
        assertEquals(400, noTarget.status(), noTarget.raw());
        var both = gw.post("/campaigns/trigger/send", KEY, "{\"campaign_id\":\"promo\",\"broadcast\":true,"
                + "\"recipients\":[{\"external_user_id\":\"ana\"}]}");
        assertEquals(400, both.status(), both.raw());
        gw.herald.settle(); // everything due has been sent and recorded
        assertEquals(0, hooks.received().size());
    }

    @Test
    void aBroadcastReachesExactlyTheAudienceAcrossThousandsOfProfiles() throws Exception {
        int users = 3000;
        for (int batch = 0; batch < users / 75; batch++) {
            StringBuilder attrs = new StringBuilder();
            for (int i = batch * 75; i < (batch + 1) * 75; i++) {
                attrs.append(attrs.isEmpty() ? "" : ",").append("{\"external_id\":\"u").append(i)
                        .append("\",\"first_name\":\"U").append(i).append("\",\"tier\":\"")
                        .append(i % 3 == 0 ? "gold" : "basic").append("\"}");
            }
            var r = gw.post("/users/track", KEY, "{\"attributes\":[" + attrs + "]}");
            assertEquals(201, r.status(), r.raw());
        }
        String id = accepted("/campaigns/trigger/send", """
                {"campaign_id":"promo","broadcast":true,"trigger_properties":{"name":"gold"},
                 "audience":{"custom_attribute":{"custom_attribute_name":"tier","comparison":"equals","value":"gold"}}}""");
        bodies(users / 3);
        gw.herald.settle(); // and no more than that
        List<String> got = hooks.received().stream().map(HttpPeer.Received::body).toList();
        assertEquals(users / 3, got.size());
        var expected = new TreeSet<String>();
        for (int i = 0; i < users; i += 3) {
            expected.add("hi gold U" + i);
        }
        assertEquals(expected, got.stream().collect(Collectors.toCollection(TreeSet::new)));
        JsonNode status = gw.awaitStatus(KEY, id, s -> s.path("counts").path("delivered").asInt() == users / 3);
        assertEquals("completed", status.path("status").asText(), status.toString());
        assertEquals(1, status.path("counts").size(), status.path("counts").toString());
        assertEquals(1000, status.path("deliveries").size());
        assertTrue(status.path("next_after").isMissingNode(), "1000 deliveries fit one page");
        JsonNode small = gw.get("/herald/v1/dispatches/" + id + "?limit=400", KEY).json();
        assertEquals(400, small.path("deliveries").size());
        JsonNode second = gw.get("/herald/v1/dispatches/" + id + "?limit=400&after=" + small.path("next_after").asText(),
                KEY).json();
        assertEquals(400, second.path("deliveries").size());
        for (String bad : List.of("0", "1001", "ten")) {
            var refused = gw.get("/herald/v1/dispatches/" + id + "?limit=" + bad, KEY);
            assertEquals(400, refused.status(), refused.raw());
            assertEquals("limit must be a whole number from 1 to 1000, was " + bad,
                    refused.json().path("message").asText());
        }
        assertTrue(second.path("deliveries").get(0).path("id").asText()
                .compareTo(small.path("deliveries").get(399).path("id").asText()) > 0);
    }
}
