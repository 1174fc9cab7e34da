package dev.herald.gateway;

import static dev.herald.gateway.PushWorkspaces.BETA_KEY;
import static dev.herald.gateway.PushWorkspaces.BETA_TOPIC;
import static dev.herald.gateway.PushWorkspaces.CLIP_TOPIC;
import static dev.herald.gateway.PushWorkspaces.MAIN_TOPIC;
import static dev.herald.gateway.PushWorkspaces.PUSH_KEY;
import static dev.herald.gateway.PushWorkspaces.deviceToken;
import static dev.herald.gateway.PushWorkspaces.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.fcm.FcmSender;
import dev.herald.testkit.ApnsPeer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push end to end: {@code /users/track} push tokens, {@code /messages/send} with {@code apple_push} and
 * {@code android_push}, delivered through real Pushy and Firebase clients to Pushy's mock APNs server (token
 * auth checked against each team's key) and a loopback FCM endpoint, with the outcomes in the status API and
 * dead tokens in the directory.
 */
final class PushTest {
    @TempDir
    static Path dir;
    private static ApnsPeer apns;
    private static FcmEndpointPeer fcm;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        apns = ApnsPeer.validating(PushWorkspaces.ACME, PushWorkspaces.BETA);
        fcm = new FcmEndpointPeer();
        gw = GatewayFixture.start(dir, PushWorkspaces.config(dir, apns, fcm.port()), Herald.Overrides.none());
    }

    @AfterAll
    static void stop() {
        gw.close();
        fcm.close();
        apns.close();
    }

    private static void track(String key, String body) throws Exception {
        var r = gw.post("/users/track", key, body);
        assertEquals(201, r.status(), r.raw());
        assertEquals(1, r.json().path("attributes_processed").asInt(), r.raw());
    }

    private static JsonNode send(String key, String body) throws Exception {
        return gw.awaitStatus(key, gw.accept(key, body), GatewayFixture::settled);
    }

    private static String applePush(String user, String fields) {
        return "{\"external_user_ids\":[\"" + user + "\"],\"messages\":{\"apple_push\":{\"alert\":\"hi\"" + fields
                + "}}}";
    }

    /** Deliveries by address. */
    private static Map<String, JsonNode> byAddress(JsonNode status) {
        Map<String, JsonNode> out = new HashMap<>();
        status.path("deliveries").forEach(d -> out.put(d.path("address").asText(), d));
        return out;
    }

    private static JsonNode only(JsonNode status) {
        assertEquals(1, status.path("deliveries").size(), status.toString());
        return status.path("deliveries").get(0);
    }

    @Test
    void anAcceptedNotificationIsSentUnderTheDeliveryIdAsApnsId() throws Exception {
        String token = deviceToken("sent-phone");
        apns.register(MAIN_TOPIC, token);
        track(PUSH_KEY, "{\"attributes\":[{\"external_id\":\"ana\",\"first_name\":\"Ana\",\"push_tokens\":"
                + "[{\"app_id\":\"ios-main\",\"token\":\"" + token + "\"}]}]}");

        JsonNode d = only(send(PUSH_KEY, "{\"external_user_ids\":[\"ana\"],\"messages\":{\"apple_push\":"
                + "{\"alert\":\"Hi {{${first_name}}}\",\"badge\":3,\"extra\":{\"order\":\"A-17\"}}}}"));

        assertEquals("sent", d.path("status").asText(), d.toString());
        assertEquals("apple_push", d.path("channel").asText());
        assertEquals(d.path("id").asText(), d.path("provider_message_id").asText());
        var received = apns.receivedFor(token);
        assertEquals(1, received.size());
        assertEquals(d.path("id").asText(), received.get(0).apnsId());
        assertEquals(MAIN_TOPIC, received.get(0).topic());
        assertEquals(Optional.of(PushWorkspaces.ACME.keyId()), received.get(0).keyId());
        String payload = received.get(0).payload();
        assertTrue(payload.contains("\"alert\":\"Hi Ana\"") && payload.contains("\"badge\":3")
                && payload.contains("\"order\":\"A-17\""), payload);
    }

    @Test
    void oneSendFansOutToEveryTokenOfEachPlatformsAppsAndProvider() throws Exception {
        String main = deviceToken("fan-main");
        String clip = deviceToken("fan-clip");
        apns.register(MAIN_TOPIC, main).register(CLIP_TOPIC, clip);
        track(PUSH_KEY, tokens("fan", "ios-main", main, "ios-clip", clip, "droid", "fcm-fan-1", "droid", "fcm-fan-2"));

        JsonNode status = send(PUSH_KEY, "{\"external_user_ids\":[\"fan\"],\"messages\":{\"apple_push\":{\"alert\":"
                + "\"hi\"},\"android_push\":{\"alert\":\"hello\",\"title\":\"T\",\"extra\":{\"k\":\"v\"}}}}");

        Map<String, JsonNode> byAddress = byAddress(status);
        assertEquals(Set.of(main, clip, "fcm-fan-1", "fcm-fan-2"), byAddress.keySet(), status.toString());
        byAddress.values().forEach(d -> assertEquals("sent", d.path("status").asText(), d.toString()));
        assertEquals("apple_push", byAddress.get(clip).path("channel").asText());
        assertEquals("android_push", byAddress.get("fcm-fan-1").path("channel").asText());
        assertEquals(CLIP_TOPIC, apns.receivedFor(clip).get(0).topic(), "each app's own topic");
        assertEquals(MAIN_TOPIC, apns.receivedFor(main).get(0).topic());
        for (String token : List.of("fcm-fan-1", "fcm-fan-2")) {
            var requests = fcm.receivedFor(token);
            assertEquals(1, requests.size());
            assertEquals("/v1/projects/" + PushWorkspaces.FCM_PROJECT + "/messages:send", requests.get(0).path());
            assertEquals("Bearer " + FcmSender.FIXED_TOKEN, requests.get(0).header("Authorization"));
            JsonNode message = FcmEndpointPeer.message(requests.get(0));
            JsonNode notification = message.path("android").path("notification");
            assertEquals("hello", notification.path("body").asText(), message.toString());
            assertEquals("T", notification.path("title").asText());
            assertEquals("v", message.path("data").path("k").asText());
            String messageId = byAddress.get(token).path("provider_message_id").asText();
            assertTrue(messageId.startsWith("projects/" + PushWorkspaces.FCM_PROJECT + "/messages/"), messageId);
        }
    }

    @Test
    void sendToMostRecentDeviceOnlyUsesTheNewestRegistration() throws Exception {
        String older = deviceToken("recent-old");
        String newer = deviceToken("recent-new");
        apns.register(MAIN_TOPIC, older).register(CLIP_TOPIC, newer);
        track(PUSH_KEY, tokens("recent", "ios-main", older));
        awaitNextMillisecond();
        track(PUSH_KEY, tokens("recent", "ios-clip", newer));

        JsonNode d = only(send(PUSH_KEY, applePush("recent", ",\"send_to_most_recent_device_only\":true")));
        assertEquals(newer, d.path("address").asText());
        assertEquals("sent", d.path("status").asText());
        assertEquals(0, apns.receivedFor(older).size());

        assertEquals(2, send(PUSH_KEY, applePush("recent", "")).path("deliveries").size(), "without the flag: both");
    }

    @Test
    void pushSubscriptionIsHonouredPerRecipientSubscriptionState() throws Exception {
        String out = deviceToken("sub-out");
        String in = deviceToken("sub-in");
        String plain = deviceToken("sub-plain");
        apns.register(MAIN_TOPIC, out).register(MAIN_TOPIC, in).register(MAIN_TOPIC, plain);
        track(PUSH_KEY, tokens("sub-plain", "ios-main", plain));
        track(PUSH_KEY, "{\"attributes\":[{\"external_id\":\"sub-out\",\"push_subscribe\":\"unsubscribed\","
                + "\"push_tokens\":[{\"app_id\":\"ios-main\",\"token\":\"" + out + "\"}]}]}");
        track(PUSH_KEY, "{\"attributes\":[{\"external_id\":\"sub-in\",\"push_subscribe\":\"opted_in\","
                + "\"push_tokens\":[{\"app_id\":\"ios-main\",\"token\":\"" + in + "\"}]}]}");

        JsonNode skipped = only(send(PUSH_KEY, applePush("sub-out", "")));
        assertEquals("aborted", skipped.path("status").asText());
        assertEquals("User is unsubscribed from push", skipped.path("last_error").asText());
        assertEquals(0, apns.receivedFor(out).size());

        String forAll = applePush("sub-out", "").replace("\"messages\"", "\"recipient_subscription_state\":\"all\","
                + "\"messages\"");
        assertEquals("sent", only(send(PUSH_KEY, forAll)).path("status").asText());

        String optedIn = "{\"external_user_ids\":[\"sub-in\",\"sub-plain\"],"
                + "\"recipient_subscription_state\":\"opted_in\",\"messages\":{\"apple_push\":{\"alert\":\"hi\"}}}";
        Map<String, JsonNode> byAddress = byAddress(send(PUSH_KEY, optedIn));
        assertEquals("sent", byAddress.get(in).path("status").asText(), byAddress.toString());
        assertTrue(byAddress.get("").path("last_error").asText().startsWith("User has not opted in to push"),
                "a merely subscribed user is skipped: " + byAddress);
    }

    @Test
    void anUnregisteredTokenBouncesAndIsSkippedUntilTrackedAgain() throws Exception {
        String kept = deviceToken("gone-kept");
        String gone = deviceToken("gone-gone");
        apns.register(MAIN_TOPIC, kept).register(MAIN_TOPIC, gone);
        track(PUSH_KEY, tokens("gone", "ios-main", kept, "ios-main", gone));
        apns.unregister(gone, Instant.now()); // uninstalled after it was registered

        Map<String, JsonNode> first = byAddress(send(PUSH_KEY, applePush("gone", "")));
        assertEquals("sent", first.get(kept).path("status").asText());
        assertEquals("bounced", first.get(gone).path("status").asText(), first.toString());
        assertEquals("APNs 410 Unregistered", first.get(gone).path("last_error").asText());

        JsonNode second = send(PUSH_KEY, applePush("gone", ""));
        assertEquals(Set.of(kept), byAddress(second).keySet(), "the dead token is not used again");
        assertEquals(1, apns.receivedFor(gone).size());

        apns.reinstall(gone);
        track(PUSH_KEY, tokens("gone", "ios-main", gone));
        Map<String, JsonNode> third = byAddress(send(PUSH_KEY, applePush("gone", "")));
        assertEquals("sent", third.get(gone).path("status").asText(), "registering it again makes it valid");
    }

    @Test
    void aTokenRegisteredAfterItsUnregistrationTimeStaysValid() throws Exception {
        String token = deviceToken("reinstalled");
        apns.register(MAIN_TOPIC, token).unregister(token, Instant.now().minus(Duration.ofHours(1)));
        track(PUSH_KEY, tokens("reinstalled", "ios-main", token));

        JsonNode first = only(send(PUSH_KEY, applePush("reinstalled", "")));
        assertEquals("bounced", first.path("status").asText(), first.toString());
        JsonNode second = only(send(PUSH_KEY, applePush("reinstalled", "")));
        assertEquals(token, second.path("address").asText(), "APNs' stale timestamp does not invalidate a newer "
                + "registration");
        assertEquals(2, apns.receivedFor(token).size());
    }

    @Test
    void aBadDeviceTokenBouncesAndIsNotUsedAgain() throws Exception {
        track(PUSH_KEY, tokens("bad", "ios-main", "abcd1234"));

        JsonNode first = only(send(PUSH_KEY, applePush("bad", "")));
        assertEquals("bounced", first.path("status").asText(), first.toString());
        assertTrue(first.path("last_error").asText().startsWith("APNs 400 BadDeviceToken"), first.toString());

        JsonNode second = only(send(PUSH_KEY, applePush("bad", "")));
        assertEquals("aborted", second.path("status").asText());
        assertEquals("User has no valid iOS push tokens", second.path("last_error").asText());
        assertEquals(1, apns.receivedFor("abcd1234").size());
    }

    @Test
    void twoWorkspacesSignWithTheirOwnKeysAtOneApnsServer() throws Exception {
        String acmeDevice = deviceToken("two-acme");
        String betaDevice = deviceToken("two-beta");
        apns.register(MAIN_TOPIC, acmeDevice).register(BETA_TOPIC, betaDevice);
        track(PUSH_KEY, tokens("two", "ios-main", acmeDevice));
        track(BETA_KEY, tokens("two", "beta-ios", betaDevice));

        String acme = gw.accept(PUSH_KEY, applePush("two", ""));
        String beta = gw.accept(BETA_KEY, applePush("two", ""));

        assertEquals(acmeDevice, only(gw.awaitStatus(PUSH_KEY, acme, s -> GatewayFixture.allDeliveries(s, "sent")))
                .path("address").asText());
        assertEquals(betaDevice, only(gw.awaitStatus(BETA_KEY, beta, s -> GatewayFixture.allDeliveries(s, "sent")))
                .path("address").asText());
        assertEquals(Optional.of(PushWorkspaces.ACME.keyId()), apns.receivedFor(acmeDevice).get(0).keyId());
        assertEquals(Optional.of(PushWorkspaces.BETA.keyId()), apns.receivedFor(betaDevice).get(0).keyId());
        assertEquals(BETA_TOPIC, apns.receivedFor(betaDevice).get(0).topic());
    }

    @Test
    void anUnregisteredFcmTokenBouncesAndIsNotUsedAgain() throws Exception {
        track(PUSH_KEY, tokens("fcm-gone", "droid", "fcm-gone-1"));
        String androidPush = "{\"external_user_ids\":[\"fcm-gone\"],\"messages\":{\"android_push\":{\"alert\":\"a\","
                + "\"title\":\"t\"}}}";
        fcm.answerUnregistered();
        JsonNode first;
        try {
            first = only(send(PUSH_KEY, androidPush));
        } finally {
            fcm.accept();
        }
        assertEquals("bounced", first.path("status").asText(), first.toString());
        assertTrue(first.path("last_error").asText().contains("UNREGISTERED"), first.toString());

        JsonNode second = only(send(PUSH_KEY, androidPush));
        assertEquals("aborted", second.path("status").asText());
        assertEquals("User has no valid Android push tokens", second.path("last_error").asText());
        assertEquals(1, fcm.receivedFor("fcm-gone-1").size());

        track(PUSH_KEY, tokens("fcm-gone", "droid", "fcm-gone-1"));
        assertEquals("sent", only(send(PUSH_KEY, androidPush)).path("status").asText());
    }

    /** Registration times are milliseconds; make the next one later than everything before. */
    private static void awaitNextMillisecond() {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now) {
            Thread.onSpinWait();
        }
    }
}
