package dev.herald.gateway;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.ApnsPeer;
import dev.herald.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fixture's configuration plus two workspaces that push for real: {@code push} (key {@link #PUSH_KEY}) with
 * two iOS apps on one APNs signing key ({@link #ACME}) and an Android app on one FCM project, and {@code beta}
 * ({@link #BETA_KEY}) with an iOS app on another team's key ({@link #BETA}). Both APNs keys point at one validating
 * {@link ApnsPeer}; the FCM project at an {@link FcmEndpointPeer} port.
 */
final class PushWorkspaces {
    static final String PUSH_KEY = "test-key-push";
    static final String BETA_KEY = "test-key-beta";
    static final String MAIN_TOPIC = "dev.herald.main";
    static final String CLIP_TOPIC = "dev.herald.main.clip";
    static final String BETA_TOPIC = "dev.herald.beta";
    static final String FCM_PROJECT = "push-proj";
    static final ApnsPeer.Team ACME = ApnsPeer.Team.of("ACMETEAM01", "ACMEKEY001", MAIN_TOPIC, CLIP_TOPIC);
    static final ApnsPeer.Team BETA = ApnsPeer.Team.of("BETATEAM01", "BETAKEY001", BETA_TOPIC);

    private PushWorkspaces() {
    }

    static HeraldConfig config(Path dir, ApnsPeer apns, int fcmPort) throws IOException {
        return ConfigLoader.parse(yaml(dir, apns, fcmPort, ""), SecretResolver.withEnvironment(Map.of()));
    }

    /**
     * The configuration's YAML, with {@code pushExtra} (more keys of workspace {@code push}, indented by four spaces,
     * each line ending in a newline) after its apps.
     */
    static String yaml(Path dir, ApnsPeer apns, int fcmPort, String pushExtra) throws IOException {
        Path acmeKey = ACME.writeKey(dir);
        Path betaKey = BETA.writeKey(dir);
        String workspaces = """
                  - id: push
                    api_keys: [ { name: push, sha256: "%s", permissions: [messages.send, users.track] } ]
                    apps:
                      - { app_id: ios-main, platform: ios, apns: %s }
                      - { app_id: ios-clip, platform: ios, apns: %s }
                      - { app_id: droid, platform: android, fcm: { project_id: %s, endpoint: "http://127.0.0.1:%d" } }
                %s  - id: beta
                    api_keys: [ { name: beta, sha256: "%s", permissions: [messages.send, users.track] } ]
                    apps:
                      - { app_id: beta-ios, platform: ios, apns: %s }
                """.formatted(ApiKeyAuthenticator.sha256Hex(PUSH_KEY), apnsConfig(apns, ACME, acmeKey, MAIN_TOPIC),
                apnsConfig(apns, ACME, acmeKey, CLIP_TOPIC), FCM_PROJECT, fcmPort, pushExtra,
                ApiKeyAuthenticator.sha256Hex(BETA_KEY), apnsConfig(apns, BETA, betaKey, BETA_TOPIC));
        return GatewayFixture.yaml(dir, workspaces);
    }

    /** The {@code apns} config block of an app of {@code team} sending to {@code topic} through {@code apns}. */
    static String apnsConfig(ApnsPeer apns, ApnsPeer.Team team, Path signingKey, String topic) {
        return "{ team_id: " + team.teamId() + ", key_id: " + team.keyId() + ", signing_key: \"${file:" + signingKey
                + "}\", topic: " + topic + ", environment: development, server: \"" + apns.address()
                + "\", trusted_certificate: \"" + TestCertificates.ca() + "\" }";
    }

    /** A well-formed APNs device token (64 hex digits) derived from {@code label}. */
    static String deviceToken(String label) {
        return ApiKeyAuthenticator.sha256Hex(label); // the same SHA-256 in lower-case hex
    }

    /** A {@code /users/track} body giving {@code user} these {@code app_id, token} pairs. */
    static String tokens(String user, String... appAndToken) {
        var b = new StringBuilder("{\"attributes\":[{\"external_id\":\"" + user + "\",\"push_tokens\":[");
        for (int i = 0; i < appAndToken.length; i += 2) {
            b.append(i == 0 ? "" : ",").append("{\"app_id\":\"").append(appAndToken[i]).append("\",\"token\":\"")
                    .append(appAndToken[i + 1]).append("\"}");
        }
        return b.append("]}]}").toString();
    }
}
