package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity lifecycle end to end in the sandbox workspace {@code idn}: {@code /users/merge},
 * {@code /users/alias/update}, {@code /users/external_ids/rename} and {@code /remove} with Braze's deprecated-id
 * semantics, and {@code /users/export/ids}, each checked through what a later export or send sees; bad input is
 * refused with nothing applied; the new endpoints have Braze's rate-limit classes.
 */
final class IdentityLifecycleTest {
    static final String KEY = "test-key-identity";
    static final String LIMITED_KEY = "test-key-identity-limited";
    static final String WEBHOOK_KEY = "test-key-identity-webhook";
    static final String PERMISSIONS = "[messages.send, users.track, users.delete, users.alias.new, users.alias.update, "
            + "users.merge, users.external_ids.rename, users.external_ids.remove, users.export.ids, email.status]";

    @TempDir
    static Path dir;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        String workspaces = """
                  - id: idn
                    sandbox: true
                    api_keys: [ { name: i, sha256: "%s", permissions: %s } ]
                    apps: [ { app_id: ios-app, platform: ios } ]
                    email: { smtp: { host: relay.invalid, starttls: disabled } }
                  - id: idl
                    sandbox: true
                    api_keys: [ { name: l, sha256: "%s", permissions: %s } ]
                    limits: { users_export_per_minute: 2, users_identity_per_minute: 2, external_ids_per_minute: 1 }
                  - id: idw
                    api_keys: [ { name: w, sha256: "%s", permissions: %s } ]
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), PERMISSIONS,
                ApiKeyAuthenticator.sha256Hex(LIMITED_KEY), PERMISSIONS, ApiKeyAuthenticator.sha256Hex(WEBHOOK_KEY),
                PERMISSIONS);
        gw = GatewayFixture.start(dir, ConfigLoader.parse(GatewayFixture.yaml(dir, workspaces),
                SecretResolver.withEnvironment(Map.of())), Herald.Overrides.none());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static GatewayFixture.Response post(String path, String json) throws Exception {
        return gw.post(path, KEY, json);
    }

    private static void track(String json) throws Exception {
        var r = post("/users/track", json);
        assertEquals(201, r.status(), r.raw());
        assertFalse(r.json().has("errors"), r.raw());
    }

    private static JsonNode export(String json) throws Exception {
        var r = post("/users/export/ids", json);
        assertEquals(201, r.status(), r.raw());
        assertEquals("success", r.message());
        return r.json();
    }

    private static JsonNode exported(String externalId) throws Exception {
        JsonNode users = export("{\"external_ids\":[\"" + externalId + "\"]}").path("users");
        assertEquals(1, users.size(), users.toString());
        return users.get(0);
    }

    private static List<String> invalid(JsonNode export) {
        List<String> out = new ArrayList<>();
        export.path("invalid_user_ids").forEach(v -> out.add(v.asText()));
        return out;
    }

    private static void refused(String path, String body, String message) throws Exception {
        var r = post(path, body);
        assertEquals(400, r.status(), r.raw());
        assertEquals(message, r.message(), r.raw());
        assertTrue(r.json().path("errors").isArray(), "Braze's envelope: " + r.raw());
    }

    @Test
    void mergeMovesWhatTheKeptUserLacksKeepsItsOwnValuesAndDeletesTheMergedUser() throws Exception {
        track("""
                {"attributes":[
                  {"external_id":"m1","first_name":"Mia","last_name":"Moss","email":"mia@example.test","phone":"+15550000001",
                   "time_zone":"Europe/Paris","plan":"gold","color":"red",
                   "push_tokens":[{"app_id":"ios-app","token":"tok-m1","device_id":"dev-m1"}]},
                  {"external_id":"k1","first_name":"Kay","plan":"silver"}],
                 "events":[{"external_id":"m1","name":"login","time":"2026-01-02T03:04:05Z"},
                           {"external_id":"m1","name":"login","time":"2026-01-03T03:04:05Z"},
                           {"external_id":"k1","name":"login","time":"2026-01-01T00:00:00Z"}]}""");
        var r = post("/users/merge", "{\"merge_updates\":[{\"identifier_to_merge\":{\"external_id\":\"m1\"},"
                + "\"identifier_to_keep\":{\"external_id\":\"k1\"}}]}");
        assertEquals(202, r.status(), r.raw());
        assertEquals("{\"message\":\"success\"}", r.raw());

        JsonNode kept = exported("k1");
        assertEquals("Kay", kept.path("first_name").asText(), "the kept user's value wins");
        assertEquals("Moss", kept.path("last_name").asText(), "what the kept user lacks moves over");
        assertEquals("mia@example.test", kept.path("email").asText());
        assertEquals("+15550000001", kept.path("phone").asText());
        assertEquals("Europe/Paris", kept.path("time_zone").asText());
        assertEquals("silver", kept.path("custom_attributes").path("plan").asText());
        assertEquals("red", kept.path("custom_attributes").path("color").asText());
        JsonNode login = kept.path("custom_events").get(0);
        assertEquals("login", login.path("name").asText(), kept.toString());
        assertEquals(3, login.path("count").asInt(), "event counts add up");
        assertEquals("2026-01-01T00:00:00.000Z", login.path("first").asText());
        assertEquals("2026-01-03T03:04:05.000Z", login.path("last").asText());
        JsonNode token = kept.path("push_tokens").get(0);
        assertEquals("tok-m1", token.path("token").asText(), kept.toString());
        assertEquals("iOS", token.path("platform").asText());
        assertEquals("ios-app", token.path("app").asText());
        assertEquals("dev-m1", token.path("device_id").asText());

        JsonNode gone = export("{\"external_ids\":[\"m1\"]}");
        assertEquals(0, gone.path("users").size(), gone.toString());
        assertEquals(List.of("m1"), invalid(gone), "the merged user is deleted");
        assertEquals(1, GatewayFixture.count(dir, "SELECT COUNT(*) FROM app_user WHERE workspace = 'idn' "
                + "AND email = 'mia@example.test'"));
    }

    @Test
    void deliveriesOfTheMergedUserFollowTheKeptUser() throws Exception {
        track("{\"attributes\":[{\"external_id\":\"fm\",\"first_name\":\"Fern\"},{\"external_id\":\"fk\"}]}");
        String id = gw.accept(KEY, "{\"external_user_ids\":[\"fm\"],\"messages\":{\"webhook\":{\"url\":"
                + "\"https://h.example/\",\"request_method\":\"POST\",\"body\":\"hi\"}}}");
        gw.awaitStatus(KEY, id, GatewayFixture::settled);
        var r = post("/users/merge", "{\"merge_updates\":[{\"identifier_to_merge\":{\"external_id\":\"fm\"},"
                + "\"identifier_to_keep\":{\"external_id\":\"fk\"}}]}");
        assertEquals(202, r.status(), r.raw());
        assertEquals(1, GatewayFixture.count(dir, "SELECT COUNT(*) FROM delivery WHERE dispatch_id = '" + id + "' "
                + "AND user_id = (SELECT id FROM app_user WHERE workspace = 'idn' AND external_id = 'fk')"),
                "the merged user's deliveries now belong to the kept user");
        // ... so deleting the kept user scrubs them as well.
        assertEquals(201, post("/users/delete", "{\"external_ids\":[\"fk\"]}").status());
        assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM delivery WHERE dispatch_id = '" + id + "' "
                + "AND user_id IS NOT NULL"));
    }

    @Test
    void aPendingDeliveryOfTheMergedUserIsRenderedAgainstTheKeptUser() throws Exception {
        try (var peer = new HttpPeer()) {
            peer.answer(503, Map.of(), "busy");
            assertEquals(201, gw.post("/users/track", WEBHOOK_KEY, "{\"attributes\":[{\"external_id\":\"pm\","
                    + "\"first_name\":\"Pia\"},{\"external_id\":\"pk\",\"first_name\":\"Kit\"}]}").status());
            String id = gw.accept(WEBHOOK_KEY, "{\"external_user_ids\":[\"pm\"],\"messages\":{\"webhook\":{\"url\":"
                    + gw.json(peer.url("/hook").toString()) + ",\"request_method\":\"POST\",\"body\":"
                    + "\"hi {{${first_name}}}\"}}}");
            Eventually.until(Duration.ofSeconds(30), "a first, refused attempt", () -> !peer.received().isEmpty());
            assertEquals("hi Pia", peer.received().get(0).body());
            var merged = gw.post("/users/merge", WEBHOOK_KEY, "{\"merge_updates\":[{\"identifier_to_merge\":"
                    + "{\"external_id\":\"pm\"},\"identifier_to_keep\":{\"external_id\":\"pk\"}}]}");
            assertEquals(202, merged.status(), merged.raw());
            // A retry after the merge is rendered against the kept profile (an attempt already under way when the
            // merge committed may still carry the old text, so the test waits for the new one rather than the next).
            Eventually.until(Duration.ofSeconds(30), "a retry with the kept user's name",
                    () -> peer.received().stream().anyMatch(r -> r.body().equals("hi Kit")));
            peer.answer(200, Map.of(), "ok");
            gw.awaitStatus(WEBHOOK_KEY, id, s -> GatewayFixture.allDeliveries(s, "delivered"));
        }
    }

    @Test
    void mergeByAliasAndByEmailWithPrioritization() throws Exception {
        track("""
                {"attributes":[{"user_alias":{"alias_name":"anon-1","alias_label":"crm"},"_update_existing_only":false,
                                "home_city":"Lyon"},
                               {"external_id":"ka","email":"shared@example.test"},
                               {"user_alias":{"alias_name":"s1","alias_label":"anon"},"_update_existing_only":false,
                                "email":"shared@example.test","country":"FR"},
                               {"user_alias":{"alias_name":"t1","alias_label":"anon"},"_update_existing_only":false,
                                "email":"twice@example.test","language":"fr"},
                               {"user_alias":{"alias_name":"t2","alias_label":"anon"},"_update_existing_only":false,
                                "email":"twice@example.test","language":"de"}]}""");
        track("{\"attributes\":[{\"user_alias\":{\"alias_name\":\"keep-1\",\"alias_label\":\"crm\"},"
                + "\"_update_existing_only\":false,\"first_name\":\"Al\"}]}");
        var r = post("/users/merge", """
                {"merge_updates":[
                  {"identifier_to_merge":{"user_alias":{"alias_name":"anon-1","alias_label":"crm"}},
                   "identifier_to_keep":{"user_alias":{"alias_name":"keep-1","alias_label":"crm"}}},
                  {"identifier_to_merge":{"email":"shared@example.test","prioritization":["unidentified"]},
                   "identifier_to_keep":{"email":"SHARED@example.test","prioritization":["identified","most_recently_updated"]}},
                  {"identifier_to_merge":{"email":"twice@example.test","prioritization":["unidentified"]},
                   "identifier_to_keep":{"external_id":"ka"}}]}""");
        assertEquals(202, r.status(), r.raw());
        JsonNode keep = export("{\"user_aliases\":[{\"alias_name\":\"keep-1\",\"alias_label\":\"crm\"}]}");
        assertEquals("Lyon", keep.path("users").get(0).path("home_city").asText(), keep.toString());
        JsonNode anon = export("{\"user_aliases\":[{\"alias_name\":\"anon-1\",\"alias_label\":\"crm\"}]}");
        assertEquals(List.of("anon-1"), invalid(anon), "the merged alias-only user is gone with its alias");
        JsonNode ka = exported("ka");
        assertEquals("FR", ka.path("country").asText(), "the one unidentified user with the address was merged");
        assertFalse(ka.has("language"), "two unidentified users match and no recency is given: no merge");
        assertEquals(2, export("{\"email_address\":\"twice@example.test\"}").path("users").size());
    }

    @Test
    void renamedIdsStillFindTheProfileUntilRemoved() throws Exception {
        track("{\"attributes\":[{\"external_id\":\"r1\",\"email\":\"r@example.test\"},{\"external_id\":\"taken\"}]}");
        var r = post("/users/external_ids/rename", """
                {"external_id_renames":[{"current_external_id":"r1","new_external_id":"r2"},
                                        {"current_external_id":"nobody","new_external_id":"n2"},
                                        {"current_external_id":"r2","new_external_id":"taken"},
                                        {"current_external_id":"r1","new_external_id":"r3"},
                                        {"current_external_id":"taken","new_external_id":"taken"},
                                        {"current_external_id":7}]}""");
        assertEquals(201, r.status(), r.raw());
        assertEquals("success", r.message());
        assertEquals("[\"r1\"]", r.json().path("external_ids").toString());
        JsonNode errors = r.json().path("rename_errors");
        assertEquals(List.of(1, 2, 3, 4, 5), IntStream.range(0, errors.size()).mapToObj(i -> errors.get(i).get(0).asInt())
                .collect(Collectors.toList()), errors.toString());
        assertTrue(errors.get(1).get(1).asText().contains("already in use"), errors.toString());
        assertTrue(errors.get(2).get(1).asText().contains("deprecated"), errors.toString());

        JsonNode byOld = exported("r1");
        assertEquals("r2", byOld.path("external_id").asText(), "the deprecated id finds the renamed profile");
        assertEquals("r@example.test", byOld.path("email").asText());
        track("{\"attributes\":[{\"external_id\":\"r1\",\"first_name\":\"Rae\"}]}");
        assertEquals("Rae", exported("r2").path("first_name").asText(), "/users/track by the old id updates the profile");
        String sent = gw.accept(KEY, "{\"external_user_ids\":[\"r1\"],\"messages\":{\"webhook\":{\"url\":"
                + "\"https://h.example/\",\"request_method\":\"POST\",\"body\":\"{{${first_name}}} {{${user_id}}}\"}}}");
        JsonNode status = gw.awaitStatus(KEY, sent, GatewayFixture::settled);
        assertEquals("Rae r2", status.path("deliveries").get(0).path("payload").path("body").asText(), status.toString());
        assertEquals(1, GatewayFixture.count(dir, "SELECT COUNT(*) FROM app_user WHERE workspace = 'idn' "
                + "AND email = 'r@example.test'"), "no second profile was created for the old id");

        var removed = post("/users/external_ids/remove", "{\"external_ids\":[\"r1\",\"r2\",\"never\"]}");
        assertEquals(201, removed.status(), removed.raw());
        assertEquals("[\"r1\"]", removed.json().path("removed_ids").toString());
        JsonNode removalErrors = removed.json().path("removal_errors");
        assertEquals(2, removalErrors.size(), removed.raw());
        assertEquals(1, removalErrors.get(0).get(0).asInt());
        assertTrue(removalErrors.get(0).get(1).asText().contains("primary"), removed.raw());
        assertEquals(List.of("r1"), invalid(export("{\"external_ids\":[\"r1\"]}")), "a removed id finds nobody");
        assertEquals("r2", exported("r2").path("external_id").asText());
    }

    @Test
    void aliasUpdateRenamesAliasesAndRefusesAClashWhole() throws Exception {
        assertEquals(201, post("/users/alias/new", """
                {"user_aliases":[{"alias_name":"old-a","alias_label":"crm"},{"alias_name":"other","alias_label":"crm"}]}""")
                .status());
        var r = post("/users/alias/update", """
                {"alias_updates":[{"alias_label":"crm","old_alias_name":"old-a","new_alias_name":"new-a"},
                                  {"alias_label":"crm","old_alias_name":"missing","new_alias_name":"whatever"}]}""");
        assertEquals(201, r.status(), r.raw());
        assertEquals("success", r.message());
        JsonNode found = export("{\"user_aliases\":[{\"alias_name\":\"new-a\",\"alias_label\":\"crm\"},"
                + "{\"alias_name\":\"old-a\",\"alias_label\":\"crm\"},{\"alias_name\":\"whatever\",\"alias_label\":\"crm\"}]}");
        assertEquals(1, found.path("users").size(), found.toString());
        assertEquals("new-a", found.path("users").get(0).path("user_aliases").get(0).path("alias_name").asText());
        assertEquals(List.of("old-a", "whatever"), invalid(found));

        var clash = post("/users/alias/update", """
                {"alias_updates":[{"alias_label":"crm","old_alias_name":"new-a","new_alias_name":"newer-a"},
                                  {"alias_label":"crm","old_alias_name":"newer-a","new_alias_name":"other"}]}""");
        assertEquals(400, clash.status(), clash.raw());
        assertTrue(clash.message().contains("already exists"), clash.raw());
        assertEquals(1, export("{\"user_aliases\":[{\"alias_name\":\"new-a\",\"alias_label\":\"crm\"}]}").path("users")
                .size(), "the first update of the refused request was not applied");
        refused("/users/alias/update", "{\"alias_updates\":[{\"alias_label\":\"crm\",\"old_alias_name\":\"new-a\"}]}",
                "alias_updates[0].new_alias_name must hold non-empty strings");
    }

    @Test
    void exportHonoursFieldsAndIdentifiersAndLeavesOutWhatHeraldCannotKnow() throws Exception {
        track("""
                {"attributes":[{"external_id":"e1","first_name":"Eve","email":"eve@example.test","phone":"+15550000009",
                  "gender":"F","dob":"1990-02-01","email_subscribe":"opted_in","tier":"vip",
                  "push_tokens":[{"app_id":"ios-app","token":"tok-e1","device_id":"dev-e1"}]}],
                 "purchases":[{"external_id":"e1","product_id":"p1","currency":"USD","price":3.5,"time":"2026-02-01T00:00:00Z"}]}""");
        assertEquals(201, post("/users/alias/new", "{\"user_aliases\":[{\"alias_name\":\"eve\",\"alias_label\":\"crm\","
                + "\"external_id\":\"e1\"}]}").status());
        JsonNode all = exported("e1");
        for (String f : new String[] {"created_at", "external_id", "user_aliases", "braze_id", "first_name", "email",
                "dob", "phone", "gender", "email_subscribe", "custom_attributes", "purchases", "push_tokens"}) {
            assertTrue(all.has(f), f + " in " + all);
        }
        for (String f : new String[] {"devices", "apps", "random_bucket", "total_revenue", "campaigns_received",
                "last_coordinates", "push_opted_in_at"}) {
            assertFalse(all.has(f), "Herald cannot know " + f + ": " + all);
        }
        assertEquals(1, all.path("purchases").get(0).path("count").asInt());

        JsonNode some = export("{\"external_ids\":[\"e1\",\"no-such\"],\"fields_to_export\":[\"email\",\"first_name\","
                + "\"devices\"]}");
        assertEquals("{\"first_name\":\"Eve\",\"email\":\"eve@example.test\"}", some.path("users").get(0).toString(),
                "only the fields asked for, in the order of Braze's export object");
        assertEquals(List.of("no-such"), invalid(some));

        String brazeId = all.path("braze_id").asText();
        for (String by : new String[] {"\"braze_id\":\"" + brazeId + "\"", "\"email_address\":\"EVE@example.test\"",
                "\"phone\":\"+15550000009\"", "\"device_id\":\"dev-e1\""}) {
            JsonNode one = export("{" + by + ",\"fields_to_export\":[\"external_id\"]}");
            assertEquals("[{\"external_id\":\"e1\"}]", one.path("users").toString(), by);
        }
        refused("/users/export/ids", "{\"external_ids\":[\"e1\"],\"fields_to_export\":[\"email\",\"shoe_size\"]}",
                "Invalid fields_to_export: \"shoe_size\"");
        refused("/users/export/ids", "{\"email_address\":\"eve@example.test\",\"phone\":\"+15550000009\"}",
                "Only one of device_id, email_address or phone may be given per request");
        refused("/users/export/ids", "{\"external_ids\":[" + IntStream.range(0, 51).mapToObj(i -> "\"x" + i + "\"")
                .collect(Collectors.joining(",")) + "]}", "The max number of external_ids and aliases per request was exceeded");
        refused("/users/export/ids", "{}", "Give external_ids, user_aliases, braze_id, device_id, email_address or phone");
    }

    @Test
    void badMergeRequestsGetBrazesMessagesAndChangeNothing() throws Exception {
        track("{\"attributes\":[{\"external_id\":\"b1\",\"first_name\":\"B\"},{\"external_id\":\"b2\"}]}");
        String valid = "{\"identifier_to_merge\":{\"external_id\":\"b1\"},\"identifier_to_keep\":{\"external_id\":\"b2\"}}";
        refused("/users/merge", "{\"merge_updates\":{}}", "'merge_updates' must be an array of objects");
        refused("/users/merge", "{\"merge_updates\":[" + valid + ",3]}", "'merge_updates' must be an array of objects");
        refused("/users/merge", "{\"merge_updates\":[" + String.join(",", java.util.Collections.nCopies(51, valid)) + "]}",
                "a single request may not contain more than 50 merge updates");
        refused("/users/merge", "{\"merge_updates\":[" + valid + ",{\"identifier_to_merge\":{\"external_id\":\"b1\"},"
                + "\"identifier_to_keep\":{\"external_id\":\"b2\"},\"extra\":1}]}",
                "'merge_updates' must only have 'identifier_to_merge' and 'identifier_to_keep'");
        refused("/users/merge", "{\"merge_updates\":[" + valid + ",{\"identifier_to_merge\":{\"braze_id\":\"x\"},"
                + "\"identifier_to_keep\":{\"external_id\":\"b2\"}}]}", "identifiers must be objects with an "
                + "'external_id' property that is a string, 'user_alias' property that is an object, 'email' property "
                + "that is a string, or 'phone' property that is a string");
        var noPrioritization = post("/users/merge", "{\"merge_updates\":[{\"identifier_to_merge\":{\"email\":"
                + "\"a@example.test\"},\"identifier_to_keep\":{\"external_id\":\"b2\"}}]}");
        assertEquals(400, noPrioritization.status(), noPrioritization.raw());
        assertTrue(noPrioritization.message().contains("prioritization"), noPrioritization.raw());
        assertEquals("B", exported("b1").path("first_name").asText(), "nothing was merged");
    }

    @Test
    void theNewEndpointsHaveBrazesRateLimitClasses() throws Exception {
        String export = "{\"external_ids\":[\"x\"]}";
        for (int i = 0; i < 2; i++) {
            var r = gw.post("/users/export/ids", LIMITED_KEY, export);
            assertEquals(201, r.status(), r.raw());
            assertTrue(r.headers().firstValue("RateLimit-Policy").orElse("").contains("\"users_export\";q=2;w=60"),
                    r.headers().map().toString());
        }
        var third = gw.post("/users/export/ids", LIMITED_KEY, export);
        assertEquals(429, third.status(), third.raw());
        assertTrue(third.headers().firstValue("Retry-After").isPresent());
        // Merge and alias update share one bucket with delete, alias/new and identify, as at Braze.
        String merge = "{\"merge_updates\":[]}";
        assertEquals(202, gw.post("/users/merge", LIMITED_KEY, merge).status());
        assertEquals(201, gw.post("/users/delete", LIMITED_KEY, "{\"external_ids\":[\"x\"]}").status());
        var shared = gw.post("/users/alias/update", LIMITED_KEY, "{\"alias_updates\":[{\"alias_label\":\"l\","
                + "\"old_alias_name\":\"a\",\"new_alias_name\":\"b\"}]}");
        assertEquals(429, shared.status(), shared.raw());
        assertTrue(shared.headers().firstValue("RateLimit-Policy").orElse("").contains("users_identity"));
        String rename = "{\"external_id_renames\":[{\"current_external_id\":\"x\",\"new_external_id\":\"y\"}]}";
        assertEquals(201, gw.post("/users/external_ids/rename", LIMITED_KEY, rename).status());
        assertEquals(429, gw.post("/users/external_ids/remove", LIMITED_KEY, "{\"external_ids\":[\"x\"]}").status(),
                "rename and remove share the external id migration limit");
    }
}
