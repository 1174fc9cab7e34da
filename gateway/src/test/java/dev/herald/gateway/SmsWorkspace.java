package dev.herald.gateway;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.TwilioPeer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fixture's configuration plus the workspace {@code tw} (key {@link #KEY}) whose Twilio account is the
 * testkit's {@link TwilioPeer}, with {@code server.public_url} = {@link #PUBLIC_URL}: groups {@code alerts} (from
 * the number {@link #FROM}) and {@code promo} (through the messaging service {@link #SERVICE}).
 */
final class SmsWorkspace {
    static final String KEY = "test-key-twilio";
    static final String FROM = "+15005550006";
    static final String SERVICE = "MG9752274e9e519418a7406176694466fa";
    /** Herald's public URL as Twilio sees it: behind a proxy, under a path prefix. */
    static final String PUBLIC_URL = "https://herald.example.test/gw";
    static final String CALLBACK_PATH = "/herald/v1/callbacks/twilio/tw";

    private SmsWorkspace() {
    }

    /** The configuration with workspace {@code tw} sending through {@code twilio}. */
    static HeraldConfig config(Path dir, TwilioPeer twilio) {
        return ConfigLoader.parse(yaml(dir, twilio, ""), SecretResolver.withEnvironment(Map.of()));
    }

    /**
     * The configuration's YAML with workspace {@code tw} sending through {@code twilio}, and {@code workspaceExtra}
     * (more keys of {@code tw}, indented by four spaces, each line ending in a newline) at its end.
     */
    static String yaml(Path dir, TwilioPeer twilio, String workspaceExtra) {
        String workspace = """
                  - id: tw
                    api_keys: [ { name: tw, sha256: "%s", permissions: [messages.send, users.track] } ]
                    sms:
                      twilio: { account_sid: %s, auth_token: "%s", api_base: "%s" }
                      subscription_groups:
                        alerts: { from: "%s", mps: 100 }
                        promo: { messaging_service_sid: %s, mps: 100 }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), TwilioPeer.ACCOUNT_SID, TwilioPeer.AUTH_TOKEN,
                twilio.apiBase(), FROM, SERVICE) + workspaceExtra;
        return GatewayFixture.withServerKeys(GatewayFixture.yaml(dir, workspace),
                "public_url: \"" + PUBLIC_URL + "/\"");
    }
}
