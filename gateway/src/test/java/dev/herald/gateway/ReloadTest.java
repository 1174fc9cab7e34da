package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /herald/v1/admin/reload}: keys, campaigns and limits change live; a bad file changes nothing. */
final class ReloadTest {
    static final String ADMIN = "test-key-admin";
    static final String NEW_KEY = "test-key-added-later";

    @TempDir
    Path dir;
    private Path file;
    private GatewayFixture gw;

    private String yaml(String extraKey, String campaigns) {
        String ws = """
                  - id: ops
                    api_keys:
                      - { name: admin, sha256: "%s", permissions: [herald.admin, campaigns.trigger.send] }
                %s
                %s
                """.formatted(ApiKeyAuthenticator.sha256Hex(ADMIN), extraKey, campaigns);
        return GatewayFixture.yaml(dir, ws);
    }

    private static String newKey() {
        return "      - { name: later, sha256: \"" + ApiKeyAuthenticator.sha256Hex(NEW_KEY)
                + "\", permissions: [campaigns.trigger.send] }";
    }

    private static String campaign(String id) {
        return "    campaigns:\n      - id: " + id + "\n        webhook: { url: \"http://127.0.0.1:9/x\", "
                + "request_method: POST, body: \"b\" }";
    }

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("herald.yaml");
        Files.writeString(file, yaml("", campaign("first")));
        var config = ConfigLoader.load(file, SecretResolver.withEnvironment(Map.of()));
        gw = GatewayFixture.start(dir, config, Herald.Overrides.none(),
                () -> ConfigLoader.load(file, SecretResolver.withEnvironment(Map.of())));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private GatewayFixture.Response trigger(String key, String campaign) throws Exception {
        return gw.post("/campaigns/trigger/send", key, "{\"campaign_id\":\"" + campaign + "\",\"recipients\":"
                + "[{\"external_user_id\":\"ana\"}]}");
    }

    private GatewayFixture.Response reload(String key) throws Exception {
        return gw.post("/herald/v1/admin/reload", key, "");
    }

    @Test
    void aReloadAddsKeysAndCampaignsWithoutARestart() throws Exception {
        assertEquals(401, trigger(NEW_KEY, "first").status());
        assertEquals(400, trigger(ADMIN, "second").status());
        Files.writeString(file, yaml(newKey(), campaign("second")));
        var r = reload(ADMIN);
        assertEquals(200, r.status(), r.raw());
        assertTrue(r.json().path("applied").toString().contains("ops"), r.raw());
        assertEquals(0, r.json().path("restart_required").size(), r.raw());
        assertEquals(201, trigger(NEW_KEY, "second").status());
        assertEquals(400, trigger(ADMIN, "first").status(), "a removed campaign is gone");
    }

    @Test
    void aBadFileIsRefusedAndTheRunningConfigurationStays() throws Exception {
        Files.writeString(file, yaml(newKey(), campaign("second")).replace("request_method: POST", "request_method: FETCH"));
        var r = reload(ADMIN);
        assertEquals(400, r.status(), r.raw());
        assertTrue(r.message().contains("configuration not reloaded"), r.raw());
        assertTrue(r.message().contains("second"), "the message names the campaign: " + r.raw());
        assertEquals(401, trigger(NEW_KEY, "first").status());
        assertEquals(201, trigger(ADMIN, "first").status());
    }

    @Test
    void aCampaignTemplateThatDoesNotParseIsRefused() throws Exception {
        Files.writeString(file, yaml("", campaign("second")).replace("body: \"b\"", "body: \"{% if x %}\""));
        var r = reload(ADMIN);
        assertEquals(400, r.status(), r.raw());
        assertTrue(r.message().contains("campaigns[second]: messages.webhook.body is not valid Liquid"), r.raw());
        assertEquals(201, trigger(ADMIN, "first").status());
    }

    @Test
    void settingsThatOwnResourcesAreReportedAsNeedingARestart() throws Exception {
        Files.writeString(file, yaml("", campaign("first")).replace("retry_cap: 1s", "retry_cap: 2s"));
        var r = reload(ADMIN);
        assertEquals(200, r.status(), r.raw());
        assertEquals("delivery", r.json().path("restart_required").get(0).asText(), r.raw());
    }

    @Test
    void channelChangesWaitForARestartAndTheRunningOnesStay() throws Exception {
        Files.writeString(file, yaml("", campaign("first")).replace("  - id: ops\n", "  - id: ops\n    sandbox: true\n"));
        var r = reload(ADMIN);
        assertEquals(200, r.status(), r.raw());
        assertEquals("workspaces[ops] sandbox, email, sms or apps", r.json().path("restart_required").get(0).asText(),
                r.raw());
        // Still not a sandbox: the webhook really goes to port 9, is refused, and waits for its retry.
        String id = trigger(ADMIN, "first").json().path("dispatch_id").asText();
        var status = gw.awaitStatus(ADMIN, id, st -> st.path("deliveries").path(0).path("attempts").asInt() >= 1);
        assertEquals("queued", status.path("deliveries").get(0).path("status").asText(), status.toString());
    }

    @Test
    void onlyAdminKeysMayReload() throws Exception {
        assertEquals(403, reload(GatewayFixture.KEY).status());
        assertEquals(401, reload("nope").status());
    }

    @Test
    void theEmbeddedDefaultHasNothingToReload() throws Exception {
        gw.close();
        var config = ConfigLoader.load(file, SecretResolver.withEnvironment(Map.of()));
        gw = GatewayFixture.start(dir, config, Herald.Overrides.none());
        var r = reload(ADMIN);
        assertEquals(400, r.status(), r.raw());
        assertTrue(r.message().contains("no file"), r.raw());
    }
}
