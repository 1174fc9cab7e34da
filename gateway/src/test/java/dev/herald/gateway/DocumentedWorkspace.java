package dev.herald.gateway;

import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.util.Collection;

/**
 * A workspace the OpenAPI document's examples are replayed in: a sandbox (nothing leaves the machine) with what the
 * examples name, the apps, subscription groups, campaigns and Canvas of the README's examples, and one key with every
 * permission. The replay has one to itself ({@link #DOCS}); probes that send the examples again (refusals, idempotent
 * replays) use others, so they never change what the replay finds.
 *
 * @param limits the workspace's {@code limits} entry, or empty for the defaults
 */
record DocumentedWorkspace(String id, String key, String limits) {
    /** Where the examples are replayed, in the document's order. */
    static final DocumentedWorkspace DOCS = new DocumentedWorkspace("docs", "test-key-docs-all-permissions", "");
    /** Where examples are sent again with an {@code Idempotency-Key}, or with a body that is not JSON. */
    static final DocumentedWorkspace PROBE = new DocumentedWorkspace("probe", "test-key-probe-all-permissions", "");
    /** A workspace whose every limit is 1, so that a second request of any class is refused with 429. */
    static final DocumentedWorkspace TINY = new DocumentedWorkspace("tiny", "test-key-tiny-all-permissions",
            "limits: { hourly: 1, burst_per_second: 1, users_track_per_3s: 1, broadcast_per_minute: 1, "
                    + "transactional_per_second: 1, subscription_per_minute: 1, users_export_per_minute: 1, "
                    + "users_identity_per_minute: 1, external_ids_per_minute: 1 }");

    /** The workspace's YAML (an entry of {@code workspaces}), its key allowed {@code permissions}. */
    String yaml(Collection<String> permissions) {
        return """
                  - id: %s
                    sandbox: true
                    %s
                    api_keys: [ { name: docs, sha256: "%s", permissions: [%s] } ]
                    apps: [ { app_id: ios-app, platform: ios }, { app_id: android-app, platform: android } ]
                    email: { smtp: { host: relay.invalid, starttls: disabled }, subscription_groups: [newsletter] }
                    sms: { twilio: { account_sid: ACdocs, auth_token: docs-token }, subscription_groups: { transactional-sms: { from: "+15551234567" } } }
                    campaigns:
                      - id: password-reset
                        transactional: true
                        email: { app_id: ios-app, from: "Acme <no-reply@acme.com>", subject: "Your code", body: "<p>Your code is {{api_trigger_properties.${code}}}</p>" }
                      - id: order-shipped
                        name: Order shipped
                        tags: [orders]
                        webhook: { url: "https://crm.example.com/shipped", request_method: POST, body: "order {{api_trigger_properties.${order}}}" }
                    canvases:
                      - id: onboarding
                        name: Onboarding
                        webhook: { url: "https://crm.example.com/onboard", request_method: POST, body: "plan {{context.${plan}}}" }
                """.formatted(id, limits, ApiKeyAuthenticator.sha256Hex(key), String.join(", ", permissions));
    }
}
