package dev.herald.gateway.binding;

import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.Sender;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.WorkspaceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every channel's senders, created by the channels' bindings from the configuration at start. Sandbox workspaces
 * get none: they never contact a provider.
 */
public record ChannelSenders(SenderRoute<WebhookMessage> webhook, SenderRoute<EmailMessage> email,
                             SenderRoute<SmsMessage> sms, SenderRoute<ApplePushMessage> applePush,
                             SenderRoute<AndroidPushMessage> androidPush) implements AutoCloseable {
    public ChannelSenders {
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(sms, "sms");
        Objects.requireNonNull(applePush, "applePush");
        Objects.requireNonNull(androidPush, "androidPush");
    }

    /**
     * Opens the senders these workspaces need; if one cannot be created (a key that does not load), those already
     * opened are closed and the error names the workspace and app.
     */
    public static ChannelSenders open(List<WorkspaceConfig> workspaces, SenderResources resources) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            var webhook = opened(opened, ChannelBindings.WEBHOOK.openSenders(workspaces, resources));
            var email = opened(opened, ChannelBindings.EMAIL.openSenders(workspaces, resources));
            var sms = opened(opened, ChannelBindings.SMS.openSenders(workspaces, resources));
            var apple = opened(opened, ChannelBindings.APPLE_PUSH.openSenders(workspaces, resources));
            var android = opened(opened, ChannelBindings.ANDROID_PUSH.openSenders(workspaces, resources));
            return new ChannelSenders(webhook, email, sms, apple, android);
        } catch (RuntimeException | Error e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T opened(List<AutoCloseable> opened, T route) {
        opened.add(route);
        return route;
    }

    /** A webhook sender and nothing else (tests of the engine). */
    public static ChannelSenders webhookOnly(Sender<WebhookMessage> webhook) {
        return new ChannelSenders(SenderRoute.single(webhook), SenderRoute.none(), SenderRoute.none(),
                SenderRoute.none(), SenderRoute.none());
    }

    @Override
    public void close() {
        webhook.close();
        email.close();
        sms.close();
        applePush.close();
        androidPush.close();
    }
}
