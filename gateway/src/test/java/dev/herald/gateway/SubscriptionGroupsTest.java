package dev.herald.gateway;

import static dev.herald.gateway.ListsWorkspace.BARE_KEY;
import static dev.herald.gateway.ListsWorkspace.SB_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscription groups end to end in the sandbox workspace {@code lsb}: states set by external id, email or phone
 * (v1 and v2), read back in Braze's shapes, honoured by SMS and email sends that name the group; unknown groups and
 * mixed addresses are refused whole.
 */
final class SubscriptionGroupsTest {
    @TempDir
    static Path dir;
    private static RelayPeer relay;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        relay = new RelayPeer();
        gw = GatewayFixture.start(dir, ListsWorkspace.config(dir, relay.port(), null,
                "{ subscription_per_minute: 1000 }"), Herald.Overrides.none());
        var r = gw.post("/users/track", SB_KEY, """
                {"attributes":[
                  {"external_id":"ana","email":"ana@example.test","phone":"+15551110001"},
                  {"external_id":"bo","email":"bo@example.test","phone":"+15551110002"},
                  {"external_id":"cy","email":"shared@example.test","phone":"+15551110003"},
                  {"external_id":"di","email":"shared@example.test","phone":"+15551110003"}]}""");
        assertEquals(201, r.status(), r.raw());
    }

    @AfterAll
    static void stop() {
        gw.close();
        relay.close();
    }

    private static GatewayFixture.Response post(String path, String json) throws Exception {
        return gw.post(path, SB_KEY, json);
    }

    private static JsonNode get(String pathAndQuery) throws Exception {
        var r = gw.get(pathAndQuery, SB_KEY);
        assertEquals(200, r.status(), r.raw());
        return r.json();
    }

    private static JsonNode only(String send) throws Exception {
        JsonNode status = gw.awaitStatus(SB_KEY, gw.accept(SB_KEY, send), GatewayFixture::settled);
        assertEquals(1, status.path("deliveries").size(), status.toString());
        return status.path("deliveries").get(0);
    }

    private static String sms(String user) {
        return "{\"external_user_ids\":[\"" + user + "\"],\"messages\":{\"sms\":{\"subscription_group_id\":\"sg-sms\","
                + "\"body\":\"hi\"}}}";
    }

    private static String email(String user, String group) {
        return "{\"external_user_ids\":[\"" + user + "\"],\"messages\":{\"email\":{\"from\":\"A <a@acme.test>\","
                + "\"subject\":\"s\",\"body\":\"b\",\"subscription_group_id\":\"" + group + "\"}}}";
    }

    @Test
    void smsGroupStatesFromV1AndV2DecideWhoIsTexted() throws Exception {
        assertEquals("aborted", only(sms("ana")).path("status").asText(), "SMS needs a subscription");
        var set = post("/subscription/status/set", "{\"subscription_group_id\":\"sg-sms\",\"subscription_state\":"
                + "\"subscribed\",\"external_id\":\"ana\",\"phone\":[\"+15551110003\"]}");
        assertEquals(201, set.status(), set.raw());
        assertEquals("success", set.message());
        assertTrue(set.headers().firstValue("X-RateLimit-Limit").isPresent(), "rate-limit headers as everywhere");
        assertEquals("sent", only(sms("ana")).path("status").asText());
        assertEquals("sent", only(sms("di")).path("status").asText(), "every profile with the number changes");

        JsonNode status = get("/subscription/status/get?subscription_group_id=sg-sms&external_id[]=ana"
                + "&external_id[]=cy&external_id[]=nobody&external_id[]=bo");
        assertEquals("Subscribed", status.path("status").path("ana").asText(), status.toString());
        assertEquals("Subscribed", status.path("status").path("cy").asText());
        assertEquals("Unknown", status.path("status").path("nobody").asText());
        assertEquals("Unknown", status.path("status").path("bo").asText());
        assertEquals("success", status.path("message").asText());

        var v2 = post("/v2/subscription/status/set", "{\"subscription_groups\":[{\"subscription_group_id\":\"sg-sms\","
                + "\"subscription_state\":\"unsubscribed\",\"phones\":[\"+15551110001\"]}]}");
        assertEquals(201, v2.status(), v2.raw());
        JsonNode skipped = only(sms("ana"));
        assertEquals("aborted", skipped.path("status").asText());
        assertTrue(skipped.path("last_error").asText().contains("sg-sms"), skipped.toString());
        assertEquals("Unsubscribed", get("/subscription/status/get?subscription_group_id=sg-sms&phone=%2B15551110001")
                .path("status").path("+15551110001").asText());
        assertEquals("Unsubscribed", get("/subscription/status/get?subscription_group_id=sg-sms&phone=+15551110001")
                .path("status").path("+15551110001").asText(), "Braze's example leaves the + unencoded");
    }

    @Test
    void anEmailSendNamingAGroupSkipsUsersUnsubscribedFromIt() throws Exception {
        assertEquals("sent", only(email("bo", "offers")).path("status").asText(), "no state: not excluded");
        var v2 = post("/v2/subscription/status/set", """
                {"subscription_groups":[
                  {"subscription_group_id":"offers","subscription_state":"unsubscribed","emails":["BO@example.test"]},
                  {"subscription_group_id":"newsletter","subscription_state":"subscribed","external_ids":["bo"]}]}""");
        assertEquals(201, v2.status(), v2.raw());
        JsonNode skipped = only(email("bo", "offers"));
        assertEquals("aborted", skipped.path("status").asText());
        assertEquals("User is unsubscribed from email subscription group offers", skipped.path("last_error").asText());
        assertEquals("sent", only(email("bo", "newsletter")).path("status").asText());
        String forAll = email("bo", "offers").replace("{\"external_user_ids\"",
                "{\"recipient_subscription_state\":\"all\",\"external_user_ids\"");
        assertEquals("sent", only(forAll).path("status").asText(), "a send for all users ignores the group");

        var unknownGroup = gw.post("/messages/send", SB_KEY, email("bo", "nope"));
        assertEquals(400, unknownGroup.status());
        assertTrue(unknownGroup.message().contains("unknown subscription group \"nope\""), unknownGroup.raw());

        JsonNode user = get("/subscription/user/status?external_id=bo");
        assertEquals(1, user.path("total_count").asInt(), user.toString());
        JsonNode groups = user.path("users").get(0).path("subscription_groups");
        assertEquals(2, groups.size(), user.toString());
        assertEquals("bo", user.path("users").get(0).path("external_id").asText());
        assertTrue(user.path("success").asBoolean());
        assertEquals("success", user.path("message").asText());
        boolean sawOffers = false;
        for (JsonNode g : user.path("subscription_groups")) {
            if (g.path("subscription_group_id").asText().equals("offers")) {
                assertEquals("unsubscribed", g.path("subscription_status").asText());
                sawOffers = true;
            }
        }
        assertTrue(sawOffers, user.toString());
        for (JsonNode g : groups) {
            assertEquals("email", g.path("channel").asText());
        }
        JsonNode shared = get("/subscription/user/status?email=shared@example.test&limit=1&offset=1");
        assertEquals(2, shared.path("total_count").asInt(), shared.toString());
        assertEquals(1, shared.path("users").size());
    }

    @Test
    void badRequestsAreRefusedWholeWithBrazesMessages() throws Exception {
        var mixed = post("/v2/subscription/status/set", """
                {"subscription_groups":[
                  {"subscription_group_id":"newsletter","subscription_state":"unsubscribed","external_ids":["ana"]},
                  {"subscription_group_id":"no-such-group","subscription_state":"subscribed","external_ids":["ana"]}]}""");
        assertEquals(400, mixed.status(), mixed.raw());
        assertEquals("Invalid subscription_group_id", mixed.message());
        assertEquals("Unknown", get("/subscription/status/get?subscription_group_id=newsletter&external_id=ana")
                .path("status").path("ana").asText(), "the valid first change was not applied");

        var both = post("/subscription/status/set", "{\"subscription_group_id\":\"newsletter\",\"subscription_state\":"
                + "\"subscribed\",\"email\":[\"ana@example.test\"],\"phone\":[\"+15551110001\"]}");
        assertEquals(400, both.status());
        assertEquals("Either an email address or a phone number should be provided, but not both.", both.message());
        var badEmail = post("/subscription/status/set", "{\"subscription_group_id\":\"newsletter\",\"subscription_state\":"
                + "\"subscribed\",\"email\":[\"ana@example.test\",\"broken\"]}");
        assertEquals("Invalid email address", badEmail.message());
        for (String body : new String[] {
                "{\"subscription_state\":\"subscribed\",\"external_id\":[\"ana\"]}",
                "{\"subscription_group_id\":\"newsletter\",\"subscription_state\":\"opted_in\",\"external_id\":[\"ana\"]}",
                "{\"subscription_group_id\":\"newsletter\",\"subscription_state\":\"subscribed\"}",
                "{\"subscription_group_id\":\"sg-sms\",\"subscription_state\":\"subscribed\",\"email\":\"a@example.test\"}",
                "{\"subscription_group_id\":\"newsletter\",\"subscription_state\":\"subscribed\",\"phone\":\"+15551110001\"}",
                "{\"subscription_group_id\":\"sg-sms\",\"subscription_state\":\"subscribed\",\"phone\":\"12\"}",
                "{\"subscription_group_id\":\"sg-sms\",\"subscription_state\":\"subscribed\",\"external_id\":[7]}"}) {
            var r = post("/subscription/status/set", body);
            assertEquals(400, r.status(), body + " " + r.raw());
        }
        assertEquals(400, post("/v2/subscription/status/set", "{\"subscription_groups\":[]}").status());
        assertEquals(400, post("/v2/subscription/status/set", "{\"subscription_groups\":[1]}").status());
        assertEquals(400, gw.get("/subscription/status/get?subscription_group_id=nope&external_id=ana", SB_KEY).status());
        assertEquals(400, gw.get("/subscription/status/get?subscription_group_id=newsletter", SB_KEY).status());
        assertEquals(400, gw.get("/subscription/status/get?subscription_group_id=newsletter&email=a@example.test"
                + "&phone=%2B15551110001", SB_KEY).status());
        assertEquals(400, gw.get("/subscription/user/status", SB_KEY).status());
        assertEquals(400, gw.get("/subscription/user/status?external_id=ana&limit=101", SB_KEY).status());
    }

    @Test
    void bothSetEndpointsShareTheSubscriptionRateLimit(@TempDir Path own) throws Exception {
        try (var relay2 = new RelayPeer(); var g = GatewayFixture.start(own, ListsWorkspace.config(own, relay2.port(),
                null, "{ subscription_per_minute: 2 }"), Herald.Overrides.none())) {
            String body = "{\"subscription_group_id\":\"newsletter\",\"subscription_state\":\"subscribed\","
                    + "\"external_id\":[\"x\"]}";
            var first = g.post("/subscription/status/set", ListsWorkspace.KEY, body);
            assertEquals(201, first.status(), first.raw());
            assertEquals("2", first.headers().firstValue("X-RateLimit-Limit").orElseThrow());
            assertEquals(201, g.post("/v2/subscription/status/set", ListsWorkspace.KEY, "{\"subscription_groups\":["
                    + body.replace("external_id", "external_ids") + "]}").status());
            var refused = g.post("/subscription/status/set", ListsWorkspace.KEY, body);
            assertEquals(429, refused.status(), refused.raw());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertEquals(200, g.get("/subscription/status/get?subscription_group_id=newsletter&external_id=x",
                    ListsWorkspace.KEY).status(), "reads are in the general class");
        }
    }

    @Test
    void eachEndpointNeedsItsBrazePermission() throws Exception {
        String body = "{\"subscription_group_id\":\"newsletter\",\"subscription_state\":\"subscribed\","
                + "\"external_id\":[\"ana\"]}";
        assertEquals(403, gw.post("/subscription/status/set", BARE_KEY, body).status());
        assertEquals(403, gw.post("/v2/subscription/status/set", BARE_KEY, "{}").status());
        assertEquals(403, gw.get("/subscription/status/get?subscription_group_id=newsletter&external_id=a", BARE_KEY)
                .status());
        assertEquals(403, gw.get("/subscription/user/status?external_id=a", BARE_KEY).status());
    }
}
