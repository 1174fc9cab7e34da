package dev.herald.gateway;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fixture's configuration plus two workspaces for the address-list and subscription endpoints: {@code mail}
 * (key {@link #KEY}), sending email through a real relay, with the email subscription group {@code newsletter} and
 * optionally a Twilio account with the SMS group {@code alerts}; and the sandbox {@code lsb} (key {@link #SB_KEY})
 * with the SMS group {@code sg-sms} and the email groups {@code newsletter} and {@code offers}. Both keys carry every
 * permission of these endpoints; {@link #BARE_KEY} (workspace {@code mail}) carries none of them.
 */
final class ListsWorkspace {
    static final String KEY = "test-key-lists";
    static final String SB_KEY = "test-key-lists-sandbox";
    static final String BARE_KEY = "test-key-lists-bare";
    static final String PERMISSIONS = "[messages.send, users.track, email.status, email.unsubscribe, email.hard_bounces, "
            + "email.bounce.remove, email.spam.remove, email.blacklist, subscription.status.set, "
            + "subscription.status.get, subscription.groups.get, sms.invalid_phone_numbers, "
            + "sms.invalid_phone_numbers.remove]";

    private ListsWorkspace() {
    }

    /**
     * The configuration; {@code twilioBase} (a {@code TwilioPeer}'s API base) gives {@code mail} an SMS account, and
     * {@code limits} (YAML flow mapping or empty) its rate limits.
     */
    static HeraldConfig config(Path dir, int smtpPort, String twilioBase, String limits) {
        return config(dir, smtpPort, twilioBase, limits, "");
    }

    /** {@link #config(Path, int, String, String)} with more workspaces ({@code extraWorkspaces}: YAML list items). */
    static HeraldConfig config(Path dir, int smtpPort, String twilioBase, String limits, String extraWorkspaces) {
        String sms = twilioBase == null ? "" : """
                    sms:
                      twilio: { account_sid: %s, auth_token: "%s", api_base: "%s" }
                      subscription_groups: { alerts: { from: "+15005550006", mps: 100 } }
                """.formatted(dev.herald.testkit.TwilioPeer.ACCOUNT_SID, dev.herald.testkit.TwilioPeer.AUTH_TOKEN,
                twilioBase);
        String workspaces = """
                  - id: mail
                    api_keys:
                      - { name: all, sha256: "%s", permissions: %s }
                      - { name: bare, sha256: "%s", permissions: [messages.send, users.track] }
                    %s
                    email: { smtp: { host: 127.0.0.1, port: %d, starttls: disabled, pool: 2 }, subscription_groups: [newsletter] }
                %s  - id: lsb
                    sandbox: true
                    api_keys: [ { name: sb, sha256: "%s", permissions: %s } ]
                    email: { smtp: { host: relay.invalid, starttls: disabled }, subscription_groups: [newsletter, offers] }
                    sms: { twilio: { account_sid: ACsb, auth_token: secret }, subscription_groups: { sg-sms: { from: "+15005550006" } } }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), PERMISSIONS, ApiKeyAuthenticator.sha256Hex(BARE_KEY),
                limits.isEmpty() ? "" : "limits: " + limits, smtpPort, sms, ApiKeyAuthenticator.sha256Hex(SB_KEY),
                PERMISSIONS);
        return ConfigLoader.parse(GatewayFixture.yaml(dir, workspaces + extraWorkspaces),
                SecretResolver.withEnvironment(Map.of()));
    }
}
