package dev.herald.gateway;

import static dev.herald.gateway.PushWorkspaces.CLIP_TOPIC;
import static dev.herald.gateway.PushWorkspaces.MAIN_TOPIC;
import static dev.herald.gateway.PushWorkspaces.PUSH_KEY;
import static dev.herald.gateway.PushWorkspaces.deviceToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.HeraldConfig;
import dev.herald.testkit.ApnsPeer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes that are retrying while APNs and FCM are unavailable survive a stop and a start on the same journal:
 * once the providers recover, every token gets its notification exactly once.
 */
final class PushRestartTest {
    @TempDir
    Path dir;

    @Test
    void aRestartWhilePushesRetryLosesNothing() throws Exception {
        String main = deviceToken("restart-main");
        String clip = deviceToken("restart-clip");
        String android = "fcm-restart-1";
        try (var apns = ApnsPeer.validating(PushWorkspaces.ACME, PushWorkspaces.BETA)) {
            apns.register(MAIN_TOPIC, main).register(CLIP_TOPIC, clip).down(true);
            int fcmPort;
            HeraldConfig config;
            String id;
            try (var fcm = new FcmEndpointPeer()) {
                fcm.answerUnavailable();
                fcmPort = fcm.port();
                config = PushWorkspaces.config(dir, apns, fcmPort);
                try (var gw = GatewayFixture.start(dir, config, Herald.Overrides.none())) {
                    var tracked = gw.post("/users/track", PUSH_KEY, PushWorkspaces.tokens("r", "ios-main", main,
                            "ios-clip", clip, "droid", android));
                    assertEquals(201, tracked.status(), tracked.raw());
                    id = gw.accept(PUSH_KEY, "{\"external_user_ids\":[\"r\"],\"messages\":{\"apple_push\":{\"alert\":"
                            + "\"a\"},\"android_push\":{\"alert\":\"b\",\"title\":\"t\"}}}");
                    gw.awaitStatus(PUSH_KEY, id, s -> s.path("deliveries").size() == 3
                            && apns.receivedFor(main).size() >= 1 && apns.receivedFor(clip).size() >= 1
                            && !fcm.receivedFor(android).isEmpty());
                }
            }
            assertEquals(0, apns.acceptedFor(main) + apns.acceptedFor(clip), "nothing got through while APNs was down");

            apns.down(false);
            try (var fcm = new FcmEndpointPeer(fcmPort); var gw = GatewayFixture.start(dir, config,
                    Herald.Overrides.none())) {
                JsonNode status = gw.awaitStatus(PUSH_KEY, id, s -> GatewayFixture.allDeliveries(s, "sent"));
                for (JsonNode d : status.path("deliveries")) {
                    assertTrue(d.path("attempts").asInt() >= 2, "retried after the restart: " + d);
                }
                assertEquals(1, apns.acceptedFor(main));
                assertEquals(1, apns.acceptedFor(clip));
                for (JsonNode d : status.path("deliveries")) {
                    if (d.path("channel").asText().equals("apple_push")) {
                        assertEquals(List.of(d.path("id").asText()), apns.receivedFor(d.path("address").asText())
                                .stream().map(ApnsPeer.Received::apnsId).distinct().toList(),
                                "one apns-id, the delivery id, across retries and the restart");
                    }
                }
                assertEquals(1, fcm.receivedFor(android).size(), "FCM answered the first request after the restart");
            }
        }
    }
}
