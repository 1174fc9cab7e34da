package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static dev.herald.gateway.GatewayFixture.SB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user directory through its Braze endpoints, checked through what later sends see. */
final class DirectoryTest {
    @TempDir
    static Path dir;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.start(dir);
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static GatewayFixture.Response track(String key, String body) throws Exception {
        return gw.post("/users/track", key, body);
    }

    /** The sandbox renders the webhook body; the status API shows it as the payload. */
    private static String rendered(String user, String template) throws Exception {
        String id = gw.accept(SB_KEY, "{\"external_user_ids\":[\"" + user + "\"],\"messages\":{\"webhook\":{\"url\":"
                + "\"https://h.example/\",\"request_method\":\"POST\",\"body\":" + gw.json(template) + "}}}");
        JsonNode s = gw.awaitStatus(SB_KEY, id, GatewayFixture::settled);
        return s.path("deliveries").get(0).path("payload").path("body").asText();
    }

    @Test
    void tracksStandardAndCustomAttributesThatTemplatesThenSee() throws Exception {
        var r = track(SB_KEY, """
                {"attributes":[{"external_id":"t1","first_name":"Ana","email":"Ana@Example.TEST","dob":"1990-02-01",
                  "loyalty_tier":"gold","points":{"inc":5},"tags":["a","b","a"]}]}""");
        assertEquals(201, r.status(), r.raw());
        assertEquals(1, r.json().path("attributes_processed").asInt());
        assertFalse(r.json().has("events_processed"), "counts only for arrays that were sent");
        track(SB_KEY, "{\"attributes\":[{\"external_id\":\"t1\",\"points\":{\"inc\":3},\"tags\":{\"add\":[\"c\"],"
                + "\"remove\":[\"a\"]},\"loyalty_tier\":null}]}");
        assertEquals("Ana ana@example.test 8 [b][c] none", rendered("t1", "{{${first_name}}} {{${email_address}}} "
                + "{{custom_attribute.${points}}} {% for t in custom_attribute.${tags} %}[{{t}}]{% endfor %} "
                + "{{custom_attribute.${loyalty_tier} | default: 'none'}}"));
    }

    @Test
    void reportsBadObjectsAndStillProcessesTheRest() throws Exception {
        var r = track(SB_KEY, """
                {"attributes":[{"external_id":"x1","email":42},{"first_name":"no identifier"},
                  {"external_id":"x2","time_zone":"Mars/Olympus"},{"external_id":"x3","dob":"1990-13-45"},
                  {"external_id":"x4","first_name":"ok"}],
                 "events":[{"external_id":"x4","name":"bought","time":"2013-07-16T19:20:30+1:00"},
                  {"external_id":"x4","name":"bad time","time":"yesterday"},{"external_id":"x4","time":"2013-07-16"}],
                 "purchases":[{"external_id":"x4","product_id":"p","currency":"USD","price":40.0,"time":"2013-07-16T19:20:30Z"},
                  {"external_id":"x4","product_id":"p","currency":"XYZ","price":1,"time":"2013-07-16T19:20:30Z"}]}""");
        assertEquals(201, r.status(), r.raw());
        assertEquals(1, r.json().path("attributes_processed").asInt(), r.raw());
        assertEquals(1, r.json().path("events_processed").asInt(), r.raw());
        assertEquals(1, r.json().path("purchases_processed").asInt(), r.raw());
        var errors = r.json().path("errors");
        assertEquals(7, errors.size(), r.raw());
        assertEquals("'email' must be a valid email address string", errors.get(0).path("type").asText());
        assertEquals("attributes", errors.get(0).path("input_array").asText());
        assertEquals(0, errors.get(0).path("index").asInt());
        assertTrue(errors.get(1).path("type").asText().contains("is required"), r.raw());
        assertEquals("'currency' must be an ISO 4217 code such as USD", errors.get(6).path("type").asText());
        assertEquals("ok", rendered("x4", "{{${first_name}}}"));
        assertEquals("", rendered("x1", "{{${first_name}}}"), "the bad object created nothing");
    }

    @Test
    void rejectsMoreThanSeventyFiveObjectsAndMalformedArrays() throws Exception {
        String many = IntStream.range(0, 76).mapToObj(i -> "{\"external_id\":\"m" + i + "\"}")
                .collect(Collectors.joining(","));
        var r = track(SB_KEY, "{\"attributes\":[" + many + "]}");
        assertEquals(400, r.status());
        assertEquals("Max Input Length Exceeded", r.message());
        assertEquals(400, track(SB_KEY, "{\"attributes\":{\"external_id\":\"a\"}}").status());
        assertEquals(400, track(SB_KEY, "{}").status());
        assertEquals(403, track(GatewayFixture.OTHER_KEY, "{\"attributes\":[]}").status());
    }

    @Test
    void updateExistingOnlyAndAliasesDoNotCreateProfilesUnlessAsked() throws Exception {
        var r = track(SB_KEY, "{\"attributes\":[{\"external_id\":\"u-e-o\",\"_update_existing_only\":true,\"first_name\":\"A\"},"
                + "{\"user_alias\":{\"alias_name\":\"n1\",\"alias_label\":\"crm\"},\"first_name\":\"B\"},"
                + "{\"user_alias\":{\"alias_name\":\"n2\",\"alias_label\":\"crm\"},\"_update_existing_only\":false,"
                + "\"first_name\":\"C\"}]}");
        assertEquals(1, r.json().path("attributes_processed").asInt(), r.raw());
        assertEquals(2, r.json().path("errors").size(), r.raw());
        String id = gw.accept(SB_KEY, "{\"user_aliases\":[{\"alias_name\":\"n2\",\"alias_label\":\"crm\"}],"
                + "\"messages\":{\"webhook\":{\"url\":\"https://h.example/\",\"request_method\":\"POST\","
                + "\"body\":\"{{${first_name}}}\"}}}");
        var s = gw.awaitStatus(SB_KEY, id, GatewayFixture::settled);
        assertEquals("C", s.path("deliveries").get(0).path("payload").path("body").asText());
    }

    @Test
    void aPushTokenMovesToItsNewestOwner() throws Exception {
        track(SB_KEY, "{\"attributes\":[{\"external_id\":\"old\",\"push_tokens\":[{\"app_id\":\"ios-app\",\"token\":\"tok-1\"}]}]}");
        track(SB_KEY, "{\"attributes\":[{\"external_id\":\"new\",\"push_tokens\":[{\"app_id\":\"ios-app\",\"token\":\"tok-1\"}]}]}");
        String toOld = gw.accept(SB_KEY, "{\"external_user_ids\":[\"old\"],\"messages\":{\"apple_push\":{\"alert\":\"hi\"}}}");
        var s = gw.awaitStatus(SB_KEY, toOld, GatewayFixture::settled);
        assertEquals("aborted", s.path("deliveries").get(0).path("status").asText(), s.toString());
        String toNew = gw.accept(SB_KEY, "{\"external_user_ids\":[\"new\"],\"messages\":{\"apple_push\":{\"alert\":\"hi\"}}}");
        var n = gw.awaitStatus(SB_KEY, toNew, GatewayFixture::settled);
        assertEquals("tok-1", n.path("deliveries").get(0).path("address").asText());
        assertEquals("sent", n.path("deliveries").get(0).path("status").asText());
        var unknownApp = track(SB_KEY, "{\"attributes\":[{\"external_id\":\"z\",\"push_tokens\":[{\"app_id\":\"nope\",\"token\":\"t\"}]}]}");
        assertEquals(0, unknownApp.json().path("attributes_processed").asInt());
    }

    @Test
    void deletingAUserRemovesItsDataAndPendingWork() throws Exception {
        track(KEY, "{\"attributes\":[{\"external_id\":\"gone\",\"email\":\"gone@example.test\",\"first_name\":\"G\"}]}");
        var r = gw.post("/users/delete", KEY, "{\"external_ids\":[\"gone\",\"never-existed\"]}");
        assertEquals(201, r.status(), r.raw());
        assertEquals(1, r.json().path("deleted").asInt());
        String ids = IntStream.range(0, 51).mapToObj(i -> "\"d" + i + "\"").collect(Collectors.joining(","));
        assertEquals(400, gw.post("/users/delete", KEY, "{\"external_ids\":[" + ids + "]}").status());
        assertEquals("", rendered("gone", "{{${first_name}}}"));
    }

    @Test
    void deletingAUserAbortsItsPendingWorkAndScrubsItsDeliveries() throws Exception {
        track(KEY, """
                {"attributes":[{"external_id":"erase-me","email":"erase@example.test"}]}""");
        // Port 9 refuses connections: the delivery stays queued for its next retry.
        String pending = gw.accept(GatewayFixture.webhookSend("erase-me", java.net.URI.create("http://127.0.0.1:9/x"),
                "for erase@example.test"));
        gw.awaitStatus(pending, s -> s.path("deliveries").get(0).path("attempts").asInt() >= 1);
        var r = gw.post("/users/delete", KEY, "{\"external_ids\":[\"erase-me\"]}");
        assertEquals(1, r.json().path("deleted").asInt(), r.raw());
        JsonNode d = gw.status(pending).path("deliveries").get(0);
        assertEquals("aborted", d.path("status").asText(), d.toString());
        assertEquals("user deleted", d.path("last_error").asText());
        assertTrue(d.path("recipient").asText().startsWith("deleted:"), d.toString());
        assertTrue(d.path("address").asText().startsWith("deleted:"), d.toString());
        assertEquals(0, GatewayFixture.count(gw.dir, "SELECT COUNT(*) FROM delivery WHERE recipient LIKE '%erase-me%' "
                + "OR address LIKE '%erase%'"));
    }

    @Test
    void identifyFoldsAnAliasProfileIntoTheKnownUser() throws Exception {
        var alias = gw.post("/users/alias/new", KEY, "{\"user_aliases\":[{\"alias_name\":\"anon-9\",\"alias_label\":\"web\"}]}");
        assertEquals(201, alias.status(), alias.raw());
        track(KEY, "{\"attributes\":[{\"user_alias\":{\"alias_name\":\"anon-9\",\"alias_label\":\"web\"},\"fav\":\"tea\"}]}");
        track(KEY, "{\"attributes\":[{\"external_id\":\"known-9\",\"first_name\":\"K\"}]}");
        var r = gw.post("/users/identify", KEY, "{\"aliases_to_identify\":[{\"external_id\":\"known-9\",\"user_alias\":"
                + "{\"alias_name\":\"anon-9\",\"alias_label\":\"web\"}}]}");
        assertEquals(201, r.status(), r.raw());
        assertEquals(1, r.json().path("aliases_processed").asInt());
        gw.post("/users/delete", KEY, "{\"external_ids\":[\"known-9\"]}");
        var deletedAlias = gw.post("/users/delete", KEY, "{\"user_aliases\":[{\"alias_name\":\"anon-9\",\"alias_label\":\"web\"}]}");
        assertEquals(0, deletedAlias.json().path("deleted").asInt(), "the alias moved to the identified user and went with it");
    }
}
