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
 * The unmodified {@code braze-api} npm client against a running Herald, for every client method of the email list
 * and subscription endpoints ({@code email.blacklist}, {@code email.bounce.remove}, {@code email.spam.remove},
 * {@code subscription.status.set/get}, {@code subscription.user.status}, {@code v2.subscription.status.set}): each
 * request the client builds is accepted and each answer parses as the client expects.
 */
final class BrazeClientTest {
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
        gw = GatewayFixture.start(dir, ListsWorkspace.config(dir, relay.port(), null, ""), Herald.Overrides.none());
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
}
