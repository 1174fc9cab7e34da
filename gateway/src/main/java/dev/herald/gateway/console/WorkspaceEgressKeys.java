package dev.herald.gateway.console;

import dev.herald.config.ApnsConfig;
import dev.herald.config.AppConfig;
import dev.herald.config.FcmConfig;
import dev.herald.config.SubscriptionGroupConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.binding.EgressKeys;
import java.util.HashSet;
import java.util.Set;

/**
 * Which egress keys are a workspace's, so its admin sees its own and no other workspace's: its webhook hosts (keyed
 * per workspace), and the relay, SMS senders and push credentials its configuration names. A relay or credential two
 * workspaces both configure is shared at the provider, and both see it.
 */
final class WorkspaceEgressKeys {
    private final String webhookPrefix;
    private final Set<String> configured = new HashSet<>();

    WorkspaceEgressKeys(WorkspaceConfig ws) {
        this.webhookPrefix = "webhook:" + ws.id() + "/";
        ws.email().ifPresent(e -> configured.add(EgressKeys.smtp(e.smtp())));
        ws.sms().ifPresent(s -> {
            for (SubscriptionGroupConfig g : s.subscriptionGroups().values()) {
                configured.add(EgressKeys.sms(g.sender()));
            }
        });
        for (AppConfig app : ws.apps()) {
            // As the push bindings key them: the credential, or the app's own key in a sandbox.
            configured.add(app.apns().map(ApnsConfig::credentialKey).orElse("apns:sandbox:" + app.appId()));
            configured.add(app.fcm().map(FcmConfig::credentialKey).orElse("fcm:sandbox:" + app.appId()));
        }
    }

    boolean owns(String egressKey) {
        return egressKey.startsWith(webhookPrefix) || configured.contains(egressKey);
    }
}
