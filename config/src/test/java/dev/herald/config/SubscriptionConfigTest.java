package dev.herald.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Email subscription groups, the subscription-state rate limit and the address-list permissions in the config. */
final class SubscriptionConfigTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String SMTP = "smtp: { host: relay.test, starttls: disabled }";

    private static WorkspaceConfig parse(String workspaceExtra) {
        return ConfigLoader.parse("workspaces:\n  - id: acme\n    sandbox: true\n    api_keys: [ { name: k, sha256: \""
                        + SHA + "\", permissions: [email.status, sms.invalid_phone_numbers, "
                        + "sms.invalid_phone_numbers.remove, subscription.groups.get] } ]\n" + workspaceExtra,
                SecretResolver.withEnvironment(Map.of())).workspaces().get(0);
    }

    private static String error(String workspaceExtra) {
        return assertThrows(ConfigException.class, () -> parse(workspaceExtra)).getMessage();
    }

    @Test
    void readsEmailSubscriptionGroupsAsAListOfIds() {
        var ws = parse("    email: { " + SMTP + ", subscription_groups: [newsletter, offers] }\n");
        assertEquals(Set.of("newsletter", "offers"), ws.email().orElseThrow().subscriptionGroups());
        assertEquals(Set.of(), parse("    email: { " + SMTP + " }\n").email().orElseThrow().subscriptionGroups());
    }

    @Test
    void rejectsBadGroupsAndUnknownKeys() {
        assertEquals("workspaces[acme].email.subscription_groups[1]: must be a subscription group id (a non-empty string)",
                error("    email: { " + SMTP + ", subscription_groups: [a, { id: b }] }\n"));
        assertEquals("workspaces[acme].email.subscription_groups[1]: duplicate subscription group \"a\"",
                error("    email: { " + SMTP + ", subscription_groups: [a, a] }\n"));
        assertTrue(error("    email: { " + SMTP + ", subscription_group: [a] }\n").contains("subscription_group"));
        assertEquals("workspaces[acme].email.subscription_groups: \"sg-1\" is already an SMS subscription group "
                + "(sms.subscription_groups)", error("    email: { " + SMTP + ", subscription_groups: [sg-1] }\n"
                + "    sms: { twilio: { account_sid: AC1, auth_token: t }, subscription_groups: { sg-1: { from: "
                + "\"+15005550006\" } } }\n"));
    }

    @Test
    void theSubscriptionLimitDefaultsToBrazes5000PerMinute() {
        assertEquals(5_000, parse("").limits().subscriptionPerMinute());
        assertEquals(7, parse("    limits: { subscription_per_minute: 7 }\n").limits().subscriptionPerMinute());
        assertEquals(5_000, new LimitsConfig(1, 1, 1, 1, 1).subscriptionPerMinute());
    }

    @Test
    void theUserExportIdentityAndExternalIdLimitsDefaultToBrazes() {
        var defaults = parse("").limits();
        assertEquals(250, defaults.usersExportPerMinute());
        assertEquals(20_000, defaults.usersIdentityPerMinute());
        assertEquals(1_000, defaults.externalIdsPerMinute());
        var set = parse("    limits: { users_export_per_minute: 2, users_identity_per_minute: 3, "
                + "external_ids_per_minute: 4 }\n").limits();
        assertEquals(2, set.usersExportPerMinute());
        assertEquals(3, set.usersIdentityPerMinute());
        assertEquals(4, set.externalIdsPerMinute());
    }

    @Test
    void acceptsTheAddressListPermissions() {
        assertTrue(parse("").apiKeys().get(0).permissions().contains("sms.invalid_phone_numbers.remove"));
    }
}
