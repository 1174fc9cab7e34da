package dev.herald.gateway;

import static dev.herald.gateway.ListsWorkspace.SB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unmodified {@code braze-api} npm client against a running Herald, for every client method of the second ring:
 * the email lists and subscriptions ({@code email.blacklist}, {@code email.bounce.remove}, {@code email.spam.remove},
 * {@code subscription.status.set/get}, {@code subscription.user.status}, {@code v2.subscription.status.set}), the
 * identity lifecycle ({@code users.alias.new/update}, {@code users.merge}, {@code users.external_ids.rename/remove},
 * {@code users.export.ids}), templates and Content Blocks ({@code templates.email_templates.*},
 * {@code templates.content_blocks.*}) and the catalogue ({@code campaigns.list/details}, {@code canvas.list},
 * {@code messages.scheduled_broadcasts}): each request the client builds is accepted and each answer parses as the
 * client expects. (The client has no method for {@code /email/status}, the email and SMS address lists or
 * {@code /canvas/details}.)
 */
final class BrazeClientTest {
    static final String CLIENT_KEY = "test-key-npm-client";
    /** A sandbox workspace with a campaign and a Canvas, for the identity, template and catalogue methods. */
    private static final String CLIENT_WORKSPACE = """
              - id: cli
                sandbox: true
                api_keys: [ { name: c, sha256: "%s", permissions: [users.track, users.alias.new, users.alias.update, users.merge, users.external_ids.rename, users.external_ids.remove, users.export.ids, templates.email.create, templates.email.update, templates.email.list, templates.email.info, content_blocks.create, content_blocks.update, content_blocks.list, content_blocks.info, campaigns.list, campaigns.details, canvas.list, canvas.details, messages.schedule_broadcasts, campaigns.trigger.schedule.create] } ]
                apps: [ { app_id: ios-app, platform: ios } ]
                campaigns:
                  - { id: promo, name: Promo, tags: [marketing], webhook: { url: "https://hooks.test/p", request_method: POST, body: hi } }
                canvases:
                  - { id: onboarding, name: Onboarding, webhook: { url: "https://hooks.test/c", request_method: POST } }
            """.formatted(dev.herald.gateway.auth.ApiKeyAuthenticator.sha256Hex(CLIENT_KEY));
    @TempDir
    static Path dir;
    private static RelayPeer relay;
    private static GatewayFixture gw;
    private static BrazeNpmClient client;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        client = BrazeNpmClient.installed();
        relay = new RelayPeer();
        gw = GatewayFixture.start(dir, ListsWorkspace.config(dir, relay.port(), null, "", CLIENT_WORKSPACE),
                Herald.Overrides.none());
        base = gw.url("");
        var r = gw.post("/users/track", SB_KEY, """
                {"attributes":[{"external_id":"ana","email":"ana@example.test","phone":"+15551110001"},
                               {"external_id":"bo","email":"bo@example.test","phone":"+15551110002"}]}""");
        assertEquals(201, r.status(), r.raw());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private static JsonNode result(String method, String argument) {
        JsonNode answer = client.call(base, SB_KEY, method, argument);
        assertTrue(answer.has("result"), method + ": " + answer);
        return answer.path("result");
    }

    @Test
    void theEmailListMethodsBlocklistAndTakeOffTheLists() throws Exception {
        assertEquals("success", result("email.blacklist", "{email: ['ana@example.test', 'bo@example.test']}")
                .path("message").asText());
        assertEquals(1, gw.get("/email/hard_bounces?email=ana@example.test", SB_KEY).json().path("emails").size());
        assertEquals("success", result("email.bounce.remove", "{email: 'ana@example.test'}").path("message").asText());
        assertEquals(0, gw.get("/email/hard_bounces?email=ana@example.test", SB_KEY).json().path("emails").size());
        assertEquals(1, gw.get("/email/hard_bounces?email=bo@example.test", SB_KEY).json().path("emails").size());
        assertEquals("success", result("email.spam.remove", "{email: ['bo@example.test']}").path("message").asText());
    }

    @Test
    void theSubscriptionMethodsSetAndReadGroupStates() {
        assertEquals("success", result("subscription.status.set", "{subscription_group_id: 'newsletter', "
                + "subscription_state: 'subscribed', external_id: ['ana'], email: ['bo@example.test']}")
                .path("message").asText());
        assertEquals("success", result("v2.subscription.status.set", "{subscription_groups: [{subscription_group_id: "
                + "'sg-sms', subscription_state: 'unsubscribed', external_ids: ['ana'], phones: ['+15551110002']}]}")
                .path("message").asText());

        JsonNode status = result("subscription.status.get", "{subscription_group_id: 'newsletter', "
                + "external_id: ['ana', 'bo', 'nobody']}");
        assertEquals("Subscribed", status.path("status").path("ana").asText(), status.toString());
        assertEquals("Subscribed", status.path("status").path("bo").asText());
        assertEquals("Unknown", status.path("status").path("nobody").asText());
        assertEquals("Unsubscribed", result("subscription.status.get", "{subscription_group_id: 'sg-sms', "
                + "phone: '+15551110002'}").path("status").path("+15551110002").asText());

        JsonNode user = result("subscription.user.status", "{external_id: 'ana', limit: 10, offset: 0}");
        assertEquals(1, user.path("total_count").asInt(), user.toString());
        JsonNode groups = user.path("users").get(0).path("subscription_groups");
        assertEquals(2, groups.size(), user.toString());
        for (JsonNode g : groups) {
            assertEquals(g.path("id").asText().equals("newsletter") ? "Subscribed" : "Unsubscribed",
                    g.path("status").asText(), user.toString());
        }
    }

    @Test
    void brazeErrorsReachTheClientAsItsResponseError() {
        JsonNode answer = client.call(base, SB_KEY, "subscription.status.set", "{subscription_group_id: 'nope', "
                + "subscription_state: 'subscribed', external_id: ['ana']}");
        assertEquals(400, answer.path("error").path("status").asInt(), answer.toString());
        assertEquals("Invalid subscription_group_id", answer.path("error").path("message").asText());
        JsonNode badEmail = client.call(base, SB_KEY, "email.blacklist", "{email: 'not-an-email'}");
        assertEquals(400, badEmail.path("error").path("status").asInt(), badEmail.toString());
        assertEquals("Invalid email address", badEmail.path("error").path("message").asText());
        assertEquals(401, client.call(base, "wrong-key", "email.spam.remove", "{email: 'a@example.test'}")
                .path("error").path("status").asInt());
    }

    /** Runs {@code script} with the client workspace's key; its {@code result}. */
    private static JsonNode script(String script) {
        JsonNode answer = client.run(base, CLIENT_KEY, script);
        assertTrue(answer.has("result"), answer.toString());
        return answer.path("result");
    }

    @Test
    void theIdentityMethodsRenameUpdateMergeAndExport() throws Exception {
        var r = gw.post("/users/track", CLIENT_KEY, """
                {"attributes":[{"external_id":"c1","first_name":"Cleo","email":"cleo@example.test","tier":"gold",
                                "push_tokens":[{"app_id":"ios-app","token":"tok-c1"}]},
                               {"external_id":"c2","first_name":"Cy","color":"blue"}]}""");
        assertEquals(201, r.status(), r.raw());
        JsonNode results = script("""
                const out = {};
                out.aliasNew = await braze.users.alias.new({user_aliases: [{alias_name: 'cleo', alias_label: 'crm',
                  external_id: 'c1'}]});
                out.aliasUpdate = await braze.users.alias.update({alias_updates: [{alias_label: 'crm',
                  old_alias_name: 'cleo', new_alias_name: 'cleo-2'}]});
                out.rename = await braze.users.external_ids.rename({external_id_renames: [
                  {current_external_id: 'c1', new_external_id: 'c1-new'},
                  {current_external_id: 'c1-new', new_external_id: 'c2'}]});
                out.merge = await braze.users.merge({merge_updates: [{identifier_to_merge: {external_id: 'c2'},
                  identifier_to_keep: {user_alias: {alias_name: 'cleo-2', alias_label: 'crm'}}}]});
                out.exportByOldId = await braze.users.export.ids({external_ids: ['c1', 'c2'],
                  fields_to_export: ['external_id', 'first_name', 'email', 'custom_attributes', 'user_aliases',
                                     'push_tokens']});
                out.remove = await braze.users.external_ids.remove({external_ids: ['c1', 'c1-new']});
                out.exportAfterRemoval = await braze.users.export.ids({external_ids: ['c1']});
                return out;
                """);
        assertEquals("success", results.path("aliasNew").path("message").asText(), results.toString());
        assertEquals("success", results.path("aliasUpdate").path("message").asText());
        assertEquals("[\"c1\"]", results.path("rename").path("external_ids").toString(), results.toString());
        assertEquals(1, results.path("rename").path("rename_errors").size(), "c2 is in use: " + results);
        assertEquals("success", results.path("merge").path("message").asText());

        JsonNode exported = results.path("exportByOldId");
        assertEquals("[\"c2\"]", exported.path("invalid_user_ids").toString(), "merged away: " + exported);
        JsonNode cleo = exported.path("users").get(0);
        assertEquals("c1-new", cleo.path("external_id").asText(), "the deprecated id finds the renamed user");
        assertEquals("Cleo", cleo.path("first_name").asText(), "the kept user's own value");
        assertEquals("cleo@example.test", cleo.path("email").asText());
        assertEquals("gold", cleo.path("custom_attributes").path("tier").asText());
        assertEquals("blue", cleo.path("custom_attributes").path("color").asText(), "merged in from c2");
        assertEquals("cleo-2", cleo.path("user_aliases").get(0).path("alias_name").asText());
        assertEquals("tok-c1", cleo.path("push_tokens").get(0).path("token").asText());

        assertEquals("[\"c1\"]", results.path("remove").path("removed_ids").toString(), results.toString());
        assertEquals(1, results.path("remove").path("removal_errors").size(), "c1-new is primary: " + results);
        assertEquals(0, results.path("exportAfterRemoval").path("users").size(), results.toString());
    }

    @Test
    void theTemplateAndContentBlockMethodsCreateUpdateListAndRead() {
        JsonNode results = script("""
                const out = {};
                out.block = await braze.templates.content_blocks.create({name: 'footer', content: 'Bye {{${first_name}}}',
                  description: 'the footer', state: 'draft', tags: []});
                out.blockUpdate = await braze.templates.content_blocks.update({content_block_id:
                  out.block.content_block_id, content: 'Goodbye'});
                out.blockList = await braze.templates.content_blocks.list({limit: 10, offset: 0});
                out.blockInfo = await braze.templates.content_blocks.get({content_block_id: out.block.content_block_id});
                out.template = await braze.templates.email_templates.create({template_name: 'welcome', subject: 'Hi',
                  body: '<p>Hi {{content_blocks.${footer}}}</p>'});
                out.templateUpdate = await braze.templates.email_templates.update({email_template_id:
                  out.template.email_template_id, template_name: 'welcome', subject: 'Hello', body: '<p>Hello</p>'});
                out.templateList = await braze.templates.email_templates.list({limit: 10});
                out.templateInfo = await braze.templates.email_templates.get({email_template_id:
                  out.template.email_template_id});
                return out;
                """);
        assertEquals("success", results.path("block").path("message").asText(), results.toString());
        assertEquals("success", results.path("blockUpdate").path("message").asText(), results.toString());
        assertEquals(1, results.path("blockList").path("count").asInt(), results.toString());
        assertEquals("footer", results.path("blockList").path("content_blocks").get(0).path("name").asText());
        assertEquals("Goodbye", results.path("blockInfo").path("content").asText(), results.toString());
        assertEquals("success", results.path("template").path("message").asText(), results.toString());
        assertEquals("success", results.path("templateUpdate").path("message").asText(), results.toString());
        assertEquals("welcome", results.path("templateList").path("templates").get(0).path("template_name").asText(),
                results.toString());
        assertEquals("Hello", results.path("templateInfo").path("subject").asText(), results.toString());
    }

    @Test
    void theCatalogueAndScheduledBroadcastMethodsListWhatIsConfiguredAndScheduled() throws Exception {
        var scheduled = gw.post("/campaigns/trigger/schedule/create", CLIENT_KEY, """
                {"campaign_id":"promo","recipients":[{"external_user_id":"ana"}],"schedule":{"time":"2999-01-01T00:00:00Z"}}""");
        assertEquals(201, scheduled.status(), scheduled.raw());
        JsonNode results = script("""
                return {
                  campaigns: await braze.campaigns.list({page: 0, include_archived: false}),
                  details: await braze.campaigns.details({campaign_id: 'promo'}),
                  canvases: await braze.canvas.list(),
                  broadcasts: await braze.messages.scheduled_broadcasts({end_time: '3000-01-01T00:00:00Z'}),
                };
                """);
        assertEquals("promo", results.path("campaigns").path("campaigns").get(0).path("id").asText(), results.toString());
        assertEquals("Promo", results.path("details").path("name").asText(), results.toString());
        assertEquals("onboarding", results.path("canvases").path("canvases").get(0).path("id").asText(),
                results.toString());
        JsonNode broadcast = results.path("broadcasts").path("scheduled_broadcasts").get(0);
        assertEquals("Promo", broadcast.path("name").asText(), results.toString());
        assertEquals("Campaign", broadcast.path("type").asText());
    }
}
