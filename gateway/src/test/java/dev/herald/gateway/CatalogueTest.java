package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configured campaigns and Canvases as Braze's export API lists and details them (what Herald does not know is
 * left out), and configured messages that name an email template or include Content Blocks, resolved per trigger.
 */
final class CatalogueTest {
    static final String KEY = "test-key-catalogue";

    @TempDir
    Path dir;

    private HeraldConfig config(String templateId) {
        String ws = """
                  - id: cat
                    sandbox: true
                    api_keys: [ { name: c, sha256: "%s", permissions: [campaigns.list, campaigns.details, canvas.list,
                      canvas.details, campaigns.trigger.schedule.create, messages.schedule_broadcasts, messages.send,
                      transactional.send, campaigns.trigger.send, canvas.trigger.send, users.track, content_blocks.create,
                      templates.email.create, templates.email.update] } ]
                    campaigns:
                      - id: promo
                        name: Promo
                        description: The weekly promotion
                        tags: [marketing]
                        webhook: { url: "https://hooks.test/p", request_method: POST, body: "Deal: {{content_blocks.${offer}}}" }
                      - { id: old, archived: true, webhook: { url: "https://hooks.test/o", request_method: POST } }
                      - id: mail
                        email: { from: "A <a@a.test>", email_template_id: "%s", preheader: "Own preheader" }
                      - { id: reset, transactional: true, email: { from: "A <a@a.test>", email_template_id: "%2$s" } }
                    canvases:
                      - { id: onboarding, name: Onboarding, paused: true, webhook: { url: "https://hooks.test/c", request_method: POST } }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), templateId);
        return ConfigLoader.parse(GatewayFixture.yaml(dir, ws), SecretResolver.withEnvironment(Map.of()));
    }

    @Test
    void campaignsAndCanvasesAreListedAndDetailedFromTheConfiguration() throws Exception {
        try (var gw = GatewayFixture.start(dir, config("none-yet"), Herald.Overrides.none())) {
            var list = gw.get("/campaigns/list", KEY);
            assertEquals(200, list.status(), list.raw());
            assertEquals(List.of("promo", "mail", "reset"), ids(list.json().path("campaigns")),
                    "archived left out by default");
            JsonNode promo = list.json().path("campaigns").get(0);
            assertEquals("Promo", promo.path("name").asText());
            assertTrue(promo.path("is_api_campaign").asBoolean());
            assertEquals("marketing", promo.path("tags").get(0).asText());
            assertFalse(promo.has("last_edited"), "no edit times in a configuration: left out, not invented");
            assertFalse(list.json().path("campaigns").get(1).has("name"), "no configured name: none shown");
            assertEquals(List.of("reset", "mail", "old", "promo"),
                    ids(gw.get("/campaigns/list?include_archived=true&sort_direction=desc", KEY).json().path("campaigns")));
            assertEquals(List.of(), ids(gw.get("/campaigns/list?page=1", KEY).json().path("campaigns")));
            assertEquals(400, gw.get("/campaigns/list?sort_direction=sideways", KEY).status());

            var details = gw.get("/campaigns/details?campaign_id=promo", KEY);
            assertEquals(200, details.status(), details.raw());
            JsonNode d = details.json();
            assertEquals("The weekly promotion", d.path("description").asText());
            assertTrue(d.path("enabled").asBoolean());
            assertFalse(d.path("archived").asBoolean());
            assertEquals("webhook", d.path("channels").get(0).asText());
            assertEquals("https://hooks.test/p", d.path("messages").path("webhook").path("url").asText());
            assertFalse(d.has("created_at") || d.has("first_sent"), d.toString());
            var unknown = gw.get("/campaigns/details?campaign_id=nope", KEY);
            assertEquals(400, unknown.status());
            assertEquals("Invalid Campaign ID", unknown.message());

            var canvases = gw.get("/canvas/list", KEY);
            assertEquals(List.of("onboarding"), ids(canvases.json().path("canvases")));
            var canvas = gw.get("/canvas/details?canvas_id=onboarding", KEY).json();
            assertEquals("Onboarding", canvas.path("name").asText());
            assertFalse(canvas.path("enabled").asBoolean(), "paused");
            assertEquals("Invalid Canvas ID", gw.get("/canvas/details?canvas_id=promo", KEY).message());

            assertEquals(201, gw.post("/content_blocks/create", KEY, "{\"name\":\"offer\",\"content\":\"x\"}")
                    .status());
            var scheduled = gw.post("/campaigns/trigger/schedule/create", KEY, """
                    {"campaign_id":"promo","recipients":[{"external_user_id":"ana"}],
                     "schedule":{"time":"2999-01-01T00:00:00Z"}}""");
            assertEquals(201, scheduled.status(), scheduled.raw());
            JsonNode broadcast = gw.get("/messages/scheduled_broadcasts?end_time=3000-01-01T00:00:00Z", KEY).json()
                    .path("scheduled_broadcasts").get(0);
            assertEquals("Promo", broadcast.path("name").asText(), "the configured name: " + broadcast);
            assertEquals("marketing", broadcast.path("tags").get(0).asText());
            assertEquals("Campaign", broadcast.path("type").asText());
        }
    }

    @Test
    void configuredMessagesTakeTheTemplateAndBlocksAsTheyAreWhenTriggered() throws Exception {
        AtomicReference<String> templateId = new AtomicReference<>("none-yet");
        try (var gw = GatewayFixture.start(dir, config("none-yet"), Herald.Overrides.none(),
                () -> config(templateId.get()))) {
            gw.post("/users/track", KEY, """
                    {"attributes":[{"external_id":"ana","email":"ana@x.test","first_name":"Ana"}]}""");
            var missing = gw.post("/campaigns/trigger/send", KEY, """
                    {"campaign_id":"promo","recipients":[{"external_user_id":"ana"}]}""");
            assertEquals(400, missing.status(), "the block does not exist yet: " + missing.raw());
            assertTrue(missing.message().contains("Content Block not found: offer"), missing.raw());

            assertEquals(201, gw.post("/content_blocks/create", KEY, """
                    {"name":"offer","content":"2 for 1, {{${first_name}}}"}""").status());
            String promo = gw.accept(KEY, """
                    {"external_user_ids":["ana"],"messages":{"webhook":{"url":"https://hooks.test/x","request_method":"POST",
                     "body":"{{content_blocks.${offer}}}"}}}""");
            var status = gw.awaitStatus(KEY, promo, GatewayFixture::settled);
            assertEquals("2 for 1, Ana", status.path("deliveries").get(0).path("payload").path("body").asText());

            var triggered = gw.post("/campaigns/trigger/send", KEY, """
                    {"campaign_id":"promo","recipients":[{"external_user_id":"ana"}]}""");
            assertEquals(201, triggered.status(), triggered.raw());
            var promoStatus = gw.awaitStatus(KEY, triggered.json().path("dispatch_id").asText(), GatewayFixture::settled);
            assertEquals("Deal: 2 for 1, Ana", promoStatus.path("deliveries").get(0).path("payload").path("body")
                    .asText());

            var t = gw.post("/templates/email/create", KEY, """
                    {"template_name":"w","subject":"Welcome {{${first_name}}}","body":"<p>{{content_blocks.${offer}}}</p>",
                     "preheader":"Template preheader"}""");
            templateId.set(t.json().path("email_template_id").asText());
            gw.herald.reload();
            var mail = gw.post("/campaigns/trigger/send", KEY, """
                    {"campaign_id":"mail","recipients":[{"external_user_id":"ana"}]}""");
            assertEquals(201, mail.status(), mail.raw());
            JsonNode payload = gw.awaitStatus(KEY, mail.json().path("dispatch_id").asText(),
                    GatewayFixture::settled)
                    .path("deliveries").get(0).path("payload");
            assertEquals("Welcome Ana", payload.path("subject").asText(), payload.toString());
            assertEquals("<p>2 for 1, Ana</p>", payload.path("html").asText());
            assertEquals("Own preheader", payload.path("preheader").asText(), "the campaign's own field wins");

            var tx = gw.post("/transactional/v1/campaigns/reset/send", KEY, """
                    {"recipient":{"external_user_id":"ana"}}""");
            assertEquals(201, tx.status(), tx.raw());
            JsonNode txPayload = gw.awaitStatus(KEY, tx.json().path("dispatch_id").asText(), GatewayFixture::settled)
                    .path("deliveries").get(0).path("payload");
            assertEquals("Welcome Ana", txPayload.path("subject").asText(), txPayload.toString());
            assertEquals("Template preheader", txPayload.path("preheader").asText());
        }
    }

    private static List<String> ids(JsonNode list) {
        return java.util.stream.StreamSupport.stream(list.spliterator(), false).map(n -> n.path("id").asText())
                .toList();
    }
}
