package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.MutableClock;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Email templates and Content Blocks over Braze's API, end to end: created, listed, updated, used by sends through
 * {@code email_template_id} and {@code {{content_blocks.${name}}}}, with Braze's errors for bad input and nothing
 * half-written.
 */
final class TemplatesTest {
    static final String KEY = "test-key-templates";
    static final String NARROW_KEY = "test-key-templates-send-only";
    static final String TWIN_KEY = "test-key-templates-twin";
    static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    private static final String ALL = "[messages.send, users.track, messages.schedule.create, messages.schedule.update, templates.email.create, "
            + "templates.email.update, templates.email.list, templates.email.info, content_blocks.create, "
            + "content_blocks.update, content_blocks.list, content_blocks.info]";

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private GatewayFixture start(Herald.Overrides overrides) throws Exception {
        String ws = """
                  - id: tpl
                    api_keys:
                      - { name: all, sha256: "%s", permissions: %s }
                      - { name: narrow, sha256: "%s", permissions: [messages.send] }
                    email: { smtp: { host: 127.0.0.1, port: %d, starttls: disabled } }
                  - id: twin
                    api_keys: [ { name: twin, sha256: "%s", permissions: %s } ]
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), ALL, ApiKeyAuthenticator.sha256Hex(NARROW_KEY),
                greenMail.getSmtp().getPort(), ApiKeyAuthenticator.sha256Hex(TWIN_KEY), ALL);
        var config = ConfigLoader.parse(GatewayFixture.yaml(dir, ws), SecretResolver.withEnvironment(Map.of()));
        return GatewayFixture.start(dir, config, overrides);
    }

    private static String created(GatewayFixture.Response r, String idField) {
        assertEquals(201, r.status(), r.raw());
        assertEquals("success", r.message(), r.raw());
        return r.json().path(idField).asText();
    }

    @Test
    void aTemplateWithAContentBlockIsRenderedIntoTheMailOfASendThatNamesIt() throws Exception {
        try (var gw = start(Herald.Overrides.none())) {
            assertEquals(201, gw.post("/users/track", KEY, """
                    {"attributes":[{"external_id":"ub","email":"ub@x.test","first_name":"Bea"}]}""").status());
            var block = gw.post("/content_blocks/create", KEY, """
                    {"name":"footer","content":"Footer for {{${first_name}}}"}""");
            created(block, "content_block_id");
            assertEquals("{{content_blocks.${footer}}}", block.json().path("liquid_tag").asText());
            assertFalse(block.json().path("created_at").asText().isEmpty());
            String tid = created(gw.post("/templates/email/create", KEY, """
                    {"template_name":"welcome","subject":"Hi {{${first_name}}}","body":"<p>Body {{content_blocks.${footer}}}</p>",
                     "plaintext_body":"Body {{content_blocks.${footer}}}","preheader":"Pre {{${first_name}}}"}"""),
                    "email_template_id");

            var info = gw.get("/templates/email/info?email_template_id=" + tid, KEY);
            assertEquals(200, info.status(), info.raw());
            assertEquals("welcome", info.json().path("template_name").asText());
            assertEquals("Hi {{${first_name}}}", info.json().path("subject").asText());

            gw.accept(KEY, """
                    {"external_user_ids":["ub"],"messages":{"email":{"app_id":"a","from":"A <a@a.test>",
                     "email_template_id":"%s"}}}""".formatted(tid));
            assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
            MimeMessage mail = greenMail.getReceivedMessages()[0];
            assertEquals("Hi Bea", mail.getSubject());
            String raw = GreenMailUtil.getWholeMessage(mail);
            assertTrue(raw.contains("Footer for Bea"), raw);
            assertTrue(raw.contains("Pre Bea"), "the template's preheader: " + raw);

            // The message's own fields win over the template's.
            gw.accept(KEY, """
                    {"external_user_ids":["ub"],"messages":{"email":{"app_id":"a","from":"A <a@a.test>",
                     "email_template_id":"%s","subject":"Own subject"}}}""".formatted(tid));
            assertTrue(greenMail.waitForIncomingEmail(10_000, 2));
            MimeMessage own = greenMail.getReceivedMessages()[1];
            assertEquals("Own subject", own.getSubject());
            assertTrue(GreenMailUtil.getWholeMessage(own).contains("Footer for Bea"));
        }
    }

    @Test
    void anUnknownTemplateOrBlockIsA400AndNothingIsAccepted() throws Exception {
        try (var gw = start(Herald.Overrides.none())) {
            var r = gw.post("/messages/send", KEY, """
                    {"external_user_ids":["ub"],"messages":{"email":{"app_id":"a","from":"A <a@a.test>",
                     "email_template_id":"nope"}}}""");
            assertEquals(400, r.status(), r.raw());
            assertTrue(r.message().startsWith("Invalid email_template_id"), r.raw());
            var b = gw.post("/messages/send", KEY, """
                    {"external_user_ids":["ub"],"messages":{"email":{"app_id":"a","from":"A <a@a.test>",
                     "subject":"s","body":"{{content_blocks.${missing}}}"}}}""");
            assertEquals(400, b.status(), b.raw());
            assertEquals("messages.email.body: Content Block not found: missing", b.message());
            assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM dispatch"));

            var t = gw.post("/templates/email/create", KEY, """
                    {"template_name":"t","subject":"s","body":"{{content_blocks.${missing}}}"}""");
            assertEquals(400, t.status(), t.raw());
            assertEquals("Email must have valid Content Block names", t.message());
            assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM email_template"));
        }
    }

    @Test
    void namesAreUniquePerWorkspaceAndEachWorkspaceSeesOnlyItsOwn() throws Exception {
        try (var gw = start(Herald.Overrides.none())) {
            String tid = created(gw.post("/templates/email/create", KEY, """
                    {"template_name":"welcome","subject":"s","body":"b"}"""), "email_template_id");
            var dup = gw.post("/templates/email/create", KEY, """
                    {"template_name":"welcome","subject":"s2","body":"b2"}""");
            assertEquals(400, dup.status(), dup.raw());
            assertEquals("Template with this name already exists", dup.message());
            created(gw.post("/templates/email/create", TWIN_KEY, """
                    {"template_name":"welcome","subject":"s","body":"b"}"""), "email_template_id");
            var hidden = gw.get("/templates/email/info?email_template_id=" + tid, TWIN_KEY);
            assertEquals(400, hidden.status(), hidden.raw());
            assertEquals("Email template ID is invalid for this workspace", hidden.message());

            created(gw.post("/content_blocks/create", KEY, "{\"name\":\"cta\",\"content\":\"Buy\"}"), "content_block_id");
            var twice = gw.post("/content_blocks/create", KEY, "{\"name\":\"cta\",\"content\":\"Sell\"}");
            assertEquals(400, twice.status(), twice.raw());
            assertEquals("Content Block with this name already exists", twice.message());
            var send = gw.post("/messages/send", TWIN_KEY, """
                    {"external_user_ids":["u"],"messages":{"webhook":{"url":"http://127.0.0.1:9/","request_method":"POST",
                     "body":"{{content_blocks.${cta}}}"}}}""");
            assertEquals(400, send.status(), "blocks are resolved per workspace: " + send.raw());
        }
    }

    @Test
    void theListsAndInfoAnswerInBrazesShapeAndUpdatesApply() throws Exception {
        MutableClock clock = new MutableClock(START);
        try (var gw = start(GatewayFixture.clock(clock))) {
            String a = created(gw.post("/templates/email/create", KEY, """
                    {"template_name":"a","subject":"s","body":"b","tags":["news"],"should_inline_css":true}"""),
                    "email_template_id");
            clock.advance(Duration.ofHours(1));
            String b = created(gw.post("/templates/email/create", KEY, """
                    {"template_name":"b","subject":"s","body":"b"}"""), "email_template_id");
            var all = gw.get("/templates/email/list", KEY);
            assertEquals(200, all.status(), all.raw());
            assertEquals(2, all.json().path("count").asInt());
            JsonNode first = all.json().path("templates").get(0);
            assertEquals(a, first.path("email_template_id").asText());
            assertEquals("a", first.path("template_name").asText());
            assertEquals(START.toString(), first.path("created_at").asText());
            assertEquals("news", first.path("tags").get(0).asText());
            var recent = gw.get("/templates/email/list?modified_after=2026-11-23T10:30:00&limit=1", KEY);
            assertEquals(List.of(b), ids(recent.json().path("templates"), "email_template_id"));
            assertEquals(400, gw.get("/templates/email/list?limit=1001", KEY).status());
            assertEquals(400, gw.get("/templates/email/list?modified_after=yesterday", KEY).status());

            clock.advance(Duration.ofHours(1));
            var upd = gw.post("/templates/email/update", KEY, """
                    {"email_template_id":"%s","subject":"new subject"}""".formatted(a));
            assertEquals(201, upd.status(), upd.raw());
            var info = gw.get("/templates/email/info?email_template_id=" + a, KEY).json();
            assertEquals("new subject", info.path("subject").asText());
            assertEquals("b", info.path("body").asText(), "fields not given are kept");
            assertTrue(info.path("should_inline_css").asBoolean());
            assertEquals(START.plus(Duration.ofHours(2)).toString(), info.path("updated_at").asText());
            var clash = gw.post("/templates/email/update", KEY, """
                    {"email_template_id":"%s","template_name":"b"}""".formatted(a));
            assertEquals(400, clash.status(), clash.raw());
            assertEquals(400, gw.post("/templates/email/update", KEY, "{\"email_template_id\":\"" + a + "\"}").status(),
                    "at least one field");

            String cb = created(gw.post("/content_blocks/create", KEY, """
                    {"name":"legal","content":"<p>(c)</p>","description":"Legal line","state":"draft"}"""),
                    "content_block_id");
            var blocks = gw.get("/content_blocks/list", KEY).json();
            assertEquals(1, blocks.path("count").asInt());
            JsonNode listed = blocks.path("content_blocks").get(0);
            assertEquals("html", listed.path("content_type").asText());
            assertEquals("{{content_blocks.${legal}}}", listed.path("liquid_tag").asText());
            assertFalse(listed.has("inclusion_count"), "Herald does not count inclusions: left out, not invented");
            var renamed = gw.post("/content_blocks/update", KEY, """
                    {"content_block_id":"%s","name":"legal2","content":"(c) Acme","state":"active"}""".formatted(cb));
            assertEquals(201, renamed.status(), renamed.raw());
            assertEquals("{{content_blocks.${legal2}}}", renamed.json().path("liquid_tag").asText());
            var cbInfo = gw.get("/content_blocks/info?content_block_id=" + cb, KEY).json();
            assertEquals("(c) Acme", cbInfo.path("content").asText());
            assertEquals("text", cbInfo.path("content_type").asText());
            assertEquals("Legal line", cbInfo.path("description").asText());
            var rename = gw.post("/content_blocks/update", KEY, """
                    {"content_block_id":"%s","name":"legal3"}""".formatted(cb));
            assertEquals("Content Block name cannot be updated for active Content Blocks", rename.message());
        }
    }

    @Test
    void aBlockThatWouldIncludeItselfIsRefusedAndLeftAsItWas() throws Exception {
        try (var gw = start(Herald.Overrides.none())) {
            var self = gw.post("/content_blocks/create", KEY, "{\"name\":\"a\",\"content\":\"{{content_blocks.${a}}}\"}");
            assertEquals(400, self.status(), self.raw());
            assertEquals("Content Block cannot be referenced within itself", self.message());
            created(gw.post("/content_blocks/create", KEY, "{\"name\":\"b\",\"content\":\"plain\"}"), "content_block_id");
            created(gw.post("/content_blocks/create", KEY, "{\"name\":\"a\",\"content\":\"{{content_blocks.${b}}}\"}"),
                    "content_block_id");
            String b = gw.get("/content_blocks/list", KEY).json().path("content_blocks").get(0)
                    .path("content_block_id").asText();
            var cycle = gw.post("/content_blocks/update", KEY, """
                    {"content_block_id":"%s","content":"again {{content_blocks.${a}}}"}""".formatted(b));
            assertEquals(400, cycle.status(), cycle.raw());
            assertEquals("Content Block cannot be referenced within itself", cycle.message());
            assertEquals("Content Block cannot be referenced within itself: b → a → b", cycle.json().path("errors").get(0)
                    .asText());
            assertEquals("plain", gw.get("/content_blocks/info?content_block_id=" + b, KEY).json().path("content")
                    .asText(), "nothing half-applied");
            var malformed = gw.post("/content_blocks/create", KEY, "{\"name\":\"m\",\"content\":\"{% if %}\"}");
            assertEquals("Content contains malformed liquid", malformed.message());
            var badName = gw.post("/content_blocks/create", KEY, "{\"name\":\"no way!\",\"content\":\"x\"}");
            assertEquals("Content Block name can only contain alphanumeric characters", badName.message());
            assertEquals("Content cannot be blank", gw.post("/content_blocks/create", KEY, "{\"name\":\"e\"}").message());
        }
    }

    @Test
    void eachEndpointNeedsItsBrazePermission() throws Exception {
        try (var gw = start(Herald.Overrides.none())) {
            assertEquals(403, gw.post("/templates/email/create", NARROW_KEY, """
                    {"template_name":"t","subject":"s","body":"b"}""").status());
            assertEquals(403, gw.get("/templates/email/list", NARROW_KEY).status());
            assertEquals(403, gw.post("/content_blocks/create", NARROW_KEY, "{\"name\":\"x\",\"content\":\"y\"}")
                    .status());
            assertEquals(403, gw.get("/content_blocks/info?content_block_id=x", NARROW_KEY).status());
            var limited = gw.get("/content_blocks/list", KEY);
            assertTrue(limited.headers().firstValue("X-RateLimit-Limit").isPresent(),
                    "the general rate-limit class and its headers: " + limited.headers().map());
        }
    }

    @Test
    void anAcceptedScheduleKeepsTheBlockItWasAcceptedWithEvenIfTheBlockChangesLater() throws Exception {
        MutableClock clock = new MutableClock(START);
        try (var hooks = new HttpPeer().answer(200, Map.of(), "{}"); var gw = start(GatewayFixture.clock(clock))) {
            String cb = created(gw.post("/content_blocks/create", KEY, "{\"name\":\"offer\",\"content\":\"10% off\"}"),
                    "content_block_id");
            var r = gw.post("/messages/schedule/create", KEY, """
                    {"external_user_ids":["ana"],"schedule":{"time":"2026-11-23T11:00:00Z"},
                     "messages":{"webhook":{"url":"%s","request_method":"POST","body":"Today: {{content_blocks.${offer}}}"}}}"""
                    .formatted(hooks.url("/m")));
            assertEquals(201, r.status(), r.raw());
            assertEquals(201, gw.post("/content_blocks/update", KEY, """
                    {"content_block_id":"%s","content":"20%% off"}""".formatted(cb)).status());
            clock.advance(Duration.ofHours(1).plusSeconds(1));
            gw.herald.settle();
            Eventually.until(Duration.ofSeconds(10), "the scheduled webhook", () -> !hooks.received().isEmpty());
            assertEquals("Today: 10% off", hooks.received().get(0).body(),
                    "the block as it was when the schedule was accepted");

            // An update of a schedule's messages takes the block as it is at the update.
            var later = gw.post("/messages/schedule/create", KEY, """
                    {"external_user_ids":["ana"],"schedule":{"time":"2026-11-23T12:00:00Z"},
                     "messages":{"webhook":{"url":"%s","request_method":"POST","body":"A {{content_blocks.${offer}}}"}}}"""
                    .formatted(hooks.url("/m")));
            assertEquals(201, later.status(), later.raw());
            assertEquals(201, gw.post("/content_blocks/update", KEY, """
                    {"content_block_id":"%s","content":"30%% off"}""".formatted(cb)).status());
            var updated = gw.post("/messages/schedule/update", KEY, """
                    {"schedule_id":"%s","messages":{"webhook":{"url":"%s","request_method":"POST",
                     "body":"B {{content_blocks.${offer}}}"}}}""".formatted(later.json().path("schedule_id").asText(),
                    hooks.url("/m")));
            assertEquals(201, updated.status(), updated.raw());
            assertEquals(201, gw.post("/content_blocks/update", KEY, """
                    {"content_block_id":"%s","content":"40%% off"}""".formatted(cb)).status());
            clock.advance(Duration.ofHours(1));
            gw.herald.settle();
            Eventually.until(Duration.ofSeconds(10), "the updated schedule", () -> hooks.received().size() == 2);
            assertEquals("B 30% off", hooks.received().get(1).body());
        }
    }

    private static List<String> ids(JsonNode list, String field) {
        return java.util.stream.StreamSupport.stream(list.spliterator(), false).map(n -> n.path(field).asText())
                .toList();
    }
}
