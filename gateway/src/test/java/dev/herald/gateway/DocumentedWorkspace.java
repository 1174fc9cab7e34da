package dev.herald.gateway;

import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.util.Collection;

/**
 * The workspace the OpenAPI document's examples are replayed in: a sandbox (nothing leaves the machine) with what
 * the examples name, the apps, subscription groups, campaigns and Canvas of the README's examples, and one key with
 * every permission Herald's routes ask for.
 */
final class DocumentedWorkspace {
    static final String ID = "docs";
    static final String KEY = "test-key-docs-all-permissions";

    private DocumentedWorkspace() {
    }

    /** The workspace's YAML (an entry of {@code workspaces}), its key allowed {@code permissions}. */
    static String yaml(Collection<String> permissions) {
        return """
                  - id: %s
                    sandbox: true
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
                """.formatted(ID, ApiKeyAuthenticator.sha256Hex(KEY), String.join(", ", permissions));
    }
}
