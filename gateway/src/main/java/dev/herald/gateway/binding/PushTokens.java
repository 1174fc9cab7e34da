package dev.herald.gateway.binding;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.config.AppConfig;
import dev.herald.config.ConfigException;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.store.PushTokenRow;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What both push channels share: a user's valid tokens of the workspace's apps of one platform, newest first,
 * each leaving through its app's credential; the subscription check; the sandbox's token rules.
 */
final class PushTokens {
    private PushTokens() {
    }

    /**
     * One address per valid token (only the newest with {@code mostRecentOnly}), or why there is none.
     *
     * @param egressOf the egress key of an app: its credential, or a sandbox key
     */
    static Reach reach(Addressee who, StoreTx tx, AppConfig.Platform platform, boolean mostRecentOnly,
                       Function<AppConfig, String> egressOf) throws SQLException {
        String kind = platform == AppConfig.Platform.IOS ? "iOS" : "Android";
        if (who.user().isEmpty()) {
            return new Reach.Unreachable("User has no " + kind + " push tokens: no profile for " + who.recipientKey());
        }
        UserRow u = who.user().get();
        Optional<String> refusal = Subscriptions.refusal(who.state(), u.pushSubscribe(), "push");
        if (refusal.isPresent()) {
            return new Reach.Unreachable(refusal.get());
        }
        WorkspaceConfig ws = who.workspace();
        List<Reach.Address> addresses = new ArrayList<>();
        for (PushTokenRow t : tx.users().pushTokens(u.id())) {
            Optional<AppConfig> app = ws.app(t.appId());
            if (app.isPresent() && app.get().platform() == platform && t.invalidReason().isEmpty()) {
                addresses.add(new Reach.Address(t.token(), egressOf.apply(app.get()), Optional.of(t.appId())));
                if (mostRecentOnly) {
                    break;
                }
            }
        }
        return addresses.isEmpty() ? new Reach.Unreachable("User has no valid " + kind + " push tokens")
                : new Reach.Addresses(addresses);
    }

    /** A token ending {@code -bad} bounces and {@code -retry} is retried once; anything else is sent. */
    static SendOutcome simulate(String token, DeliveryRef ref) {
        if (token.endsWith("-bad")) {
            return SendOutcome.AddressInvalid.of("sandbox: device token " + token
                    + " is unregistered (-bad)");
        }
        if (token.endsWith("-retry") && ref.attempt() == 1) {
            return SendOutcome.Retry.of("sandbox: push service unavailable (-retry, retried once)");
        }
        return SendOutcome.Accepted.withId("sandbox-" + ref.id(), false);
    }

    /** A push object is refused when the workspace has no app of its platform. */
    static void requireApp(WorkspaceConfig ws, AppConfig.Platform platform, String object) {
        if (ws.apps().stream().noneMatch(app -> app.platform() == platform)) {
            throw ApiException.badRequest("messages." + object + ": this workspace has no " + platform.configName()
                    + " app configured (apps)");
        }
    }

    /**
     * One sender per push credential among the apps of non-sandbox workspaces, shared by every app using it; a
     * credential that cannot be loaded stops the start naming the workspace and app, after closing those opened.
     *
     * @param slice      the config key of the credential, for the error ({@code apns}, {@code fcm})
     * @param credential an app's credential key, if it has a credential of this channel
     */
    static <M extends OutboundMessage> SenderRoute<M> perCredential(List<WorkspaceConfig> workspaces, String slice,
                                                                     Function<AppConfig, Optional<String>> credential,
                                                                     Function<AppConfig, Sender<M>> open) {
        Map<String, Sender<M>> byCredential = new LinkedHashMap<>();
        try {
            for (WorkspaceConfig ws : workspaces) {
                for (AppConfig app : ws.sandbox() ? List.<AppConfig>of() : ws.apps()) {
                    Optional<String> key = credential.apply(app);
                    if (key.isPresent() && !byCredential.containsKey(key.get())) {
                        try {
                            byCredential.put(key.get(), open.apply(app));
                        } catch (IllegalArgumentException e) {
                            throw new ConfigException("workspaces[" + ws.id() + "].apps[" + app.appId() + "]." + slice
                                    + ": " + e.getMessage(), e);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            SenderRoute.byEgressKey(byCredential).close();
            throw e;
        }
        return SenderRoute.byEgressKey(byCredential);
    }
}
