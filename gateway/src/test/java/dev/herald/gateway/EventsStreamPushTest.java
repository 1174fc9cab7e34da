package dev.herald.gateway;

import static dev.herald.gateway.PushWorkspaces.MAIN_TOPIC;
import static dev.herald.gateway.PushWorkspaces.PUSH_KEY;
import static dev.herald.gateway.PushWorkspaces.deviceToken;
import static dev.herald.gateway.PushWorkspaces.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.testkit.ApnsPeer;
import dev.herald.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event stream for push, on Pushy's mock APNs server, a loopback FCM endpoint and a loopback connector: a push
 * the provider took is a {@code pushnotification.Send} naming the platform, the app and the token; a dead token
 * (APNs BadDeviceToken or Unregistered, FCM UNREGISTERED) a {@code pushnotification.Bounce}; a user with no token a
 * {@code pushnotification.Abort}.
 */
final class EventsStreamPushTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    static Path dir;
    private static ApnsPeer apns;
    private static FcmEndpointPeer fcm;
    private static CurrentsPeer currents;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        apns = ApnsPeer.validating(PushWorkspaces.ACME, PushWorkspaces.BETA);
        fcm = new FcmEndpointPeer();
        currents = new CurrentsPeer();
        String events = """
                    events:
                      currents: { url: "%s", token: tok-push, flush_interval: 100ms }
                """.formatted(currents.url());
        gw = GatewayFixture.start(dir, ConfigLoader.parse(PushWorkspaces.yaml(dir, apns, fcm.port(), events),
                SecretResolver.withEnvironment(Map.of())), Herald.Overrides.none());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        currents.close();
        fcm.close();
        apns.close();
    }

    @AfterEach
    void fcmAcceptsAgain() {
        fcm.accept();
    }

    private static void track(String body) throws Exception {
        var r = gw.post("/users/track", PUSH_KEY, body);
        assertEquals(201, r.status(), r.raw());
    }

    private static JsonNode send(String body) throws Exception {
        return gw.awaitStatus(PUSH_KEY, gw.accept(PUSH_KEY, body), GatewayFixture::settled);
    }

    private static String applePush(String user) {
        return "{\"external_user_ids\":[\"" + user + "\"],\"messages\":{\"apple_push\":{\"alert\":\"hi\"}}}";
    }

    private static String androidPush(String user) {
        return "{\"external_user_ids\":[\"" + user + "\"],\"messages\":{\"android_push\":{\"alert\":\"a\","
                + "\"title\":\"t\"}}}";
    }

    /** The events of {@code type} for {@code user}, once there are {@code n}. */
    private static List<JsonNode> await(String type, String user, int n) {
        Eventually.until(WAIT, n + " " + type + " for " + user, () -> currents.events(type, user).size() >= n);
        return currents.events(type, user);
    }

    private static JsonNode withToken(List<JsonNode> events, String token) {
        return events.stream().filter(e -> e.path("properties").path("push_token").asText().equals(token))
                .findFirst().orElseThrow(() -> new AssertionError("no event for " + token + " in " + events));
    }

    @Test
    void aPushTheProviderTookIsASendWithPlatformAppAndToken() throws Exception {
        String ios = deviceToken("ev-push-ios");
        apns.register(MAIN_TOPIC, ios);
        track(tokens("ev-push", "ios-main", ios, "droid", "ev-fcm-1"));

        String dispatch = gw.accept(PUSH_KEY, "{\"external_user_ids\":[\"ev-push\"],\"messages\":{\"apple_push\":"
                + "{\"alert\":\"hi\"},\"android_push\":{\"alert\":\"hello\",\"title\":\"T\"}}}");
        JsonNode status = gw.awaitStatus(PUSH_KEY, dispatch, GatewayFixture::settled);
        assertTrue(GatewayFixture.allDeliveries(status, "sent"), status.toString());

        List<JsonNode> sends = await("users.messages.pushnotification.Send", "ev-push", 2);
        assertEquals(2, sends.size(), sends.toString());
        JsonNode apple = withToken(sends, ios).path("properties");
        assertEquals("ios", apple.path("platform").asText(), apple.toString());
        assertEquals("ios-main", apple.path("app_id").asText());
        JsonNode android = withToken(sends, "ev-fcm-1").path("properties");
        assertEquals("android", android.path("platform").asText(), android.toString());
        assertEquals("droid", android.path("app_id").asText());
        for (JsonNode e : sends) {
            assertEquals("push", e.path("properties").path("app_group_id").asText());
            assertEquals(dispatch, e.path("properties").path("dispatch_id").asText(), e.toString());
            assertFalse(e.path("user").path("user_id").asText().isEmpty(), e.toString());
        }
        for (CurrentsPeer.Batch b : currents.batches()) {
            assertEquals("Bearer tok-push", b.request().header("Authorization"));
        }
    }

    @Test
    void deadApnsTokensAreBouncesAndNotSends() throws Exception {
        String kept = deviceToken("ev-bounce-kept");
        String gone = deviceToken("ev-bounce-gone");
        apns.register(MAIN_TOPIC, kept).register(MAIN_TOPIC, gone);
        track(tokens("ev-bounce", "ios-main", kept, "ios-main", gone, "ios-main", "abcd1234"));
        apns.unregister(gone, Instant.now());

        JsonNode status = send(applePush("ev-bounce"));
        assertEquals(3, status.path("deliveries").size(), status.toString());

        List<JsonNode> bounces = await("users.messages.pushnotification.Bounce", "ev-bounce", 2);
        assertEquals(2, bounces.size(), bounces.toString());
        for (String token : List.of(gone, "abcd1234")) {
            JsonNode p = withToken(bounces, token).path("properties");
            assertEquals("ios", p.path("platform").asText(), p.toString());
            assertEquals("ios-main", p.path("app_id").asText());
        }
        List<JsonNode> sends = await("users.messages.pushnotification.Send", "ev-bounce", 1);
        assertEquals(List.of(kept), sends.stream().map(e -> e.path("properties").path("push_token").asText())
                .toList(), "only the live token was sent to");
    }

    @Test
    void anUnregisteredFcmTokenIsABounce() throws Exception {
        track(tokens("ev-fcm-gone", "droid", "ev-fcm-gone-1"));
        fcm.answerUnregistered();
        JsonNode d = send(androidPush("ev-fcm-gone")).path("deliveries").get(0);
        fcm.accept();
        assertEquals("bounced", d.path("status").asText(), d.toString());

        JsonNode bounce = await("users.messages.pushnotification.Bounce", "ev-fcm-gone", 1).get(0);
        assertEquals("android", bounce.path("properties").path("platform").asText(), bounce.toString());
        assertEquals("droid", bounce.path("properties").path("app_id").asText());
        assertEquals("ev-fcm-gone-1", bounce.path("properties").path("push_token").asText());
        assertTrue(currents.events("users.messages.pushnotification.Send", "ev-fcm-gone").isEmpty());
    }

    @Test
    void aUserWithNoTokenIsAnAbortNotReachable() throws Exception {
        track("{\"attributes\":[{\"external_id\":\"ev-no-token\",\"first_name\":\"N\"}]}");

        JsonNode ios = send(applePush("ev-no-token")).path("deliveries").get(0);
        assertEquals("aborted", ios.path("status").asText(), ios.toString());
        JsonNode abort = await("users.messages.pushnotification.Abort", "ev-no-token", 1).get(0);
        assertEquals("user_not_reachable", abort.path("properties").path("abort_type").asText(), abort.toString());
        assertEquals("ios", abort.path("properties").path("platform").asText(), abort.toString());
        assertFalse(abort.path("properties").has("push_token"), "no token to name: " + abort);
        assertFalse(abort.path("properties").path("abort_log").asText().isEmpty(), abort.toString());

        send(androidPush("ev-no-token"));
        List<JsonNode> aborts = await("users.messages.pushnotification.Abort", "ev-no-token", 2);
        assertEquals("android", aborts.get(1).path("properties").path("platform").asText(), aborts.toString());
        assertEquals("user_not_reachable", aborts.get(1).path("properties").path("abort_type").asText());
    }
}
