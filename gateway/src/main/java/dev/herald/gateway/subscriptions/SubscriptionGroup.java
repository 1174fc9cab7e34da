package dev.herald.gateway.subscriptions;

import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A subscription group configured for a workspace: an SMS group ({@code sms.subscription_groups}, which also
 * names the sender) or an email group ({@code email.subscription_groups}). The channel decides which addresses a
 * state change may name: phone numbers for SMS, email addresses for email.
 */
record SubscriptionGroup(String id, Channel channel) {
    /** The channel a group belongs to. */
    enum Channel {
        EMAIL, SMS;

        /** The name in answers ({@code "email"}, {@code "sms"}). */
        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The workspace's group with this id, or a 400 naming it. */
    static SubscriptionGroup require(WorkspaceConfig ws, String id) {
        return find(ws, id).orElseThrow(() -> new ApiException(400, "Invalid subscription_group_id",
                List.of("subscription group \"" + id + "\" is not configured for this workspace (sms.subscription_groups "
                        + "or email.subscription_groups)")));
    }

    /** The workspace's group with this id. */
    static Optional<SubscriptionGroup> find(WorkspaceConfig ws, String id) {
        if (ws.sms().map(s -> s.subscriptionGroups().containsKey(id)).orElse(false)) {
            return Optional.of(new SubscriptionGroup(id, Channel.SMS));
        }
        if (ws.email().map(e -> e.subscriptionGroups().contains(id)).orElse(false)) {
            return Optional.of(new SubscriptionGroup(id, Channel.EMAIL));
        }
        return Optional.empty();
    }

    /** Every group of the workspace, SMS first, each in configuration order. */
    static List<SubscriptionGroup> all(WorkspaceConfig ws) {
        List<SubscriptionGroup> out = new ArrayList<>();
        ws.sms().ifPresent(s -> s.subscriptionGroups().keySet().forEach(g -> out.add(new SubscriptionGroup(g,
                Channel.SMS))));
        ws.email().ifPresent(e -> e.subscriptionGroups().stream().sorted()
                .forEach(g -> out.add(new SubscriptionGroup(g, Channel.EMAIL))));
        return out;
    }
}
