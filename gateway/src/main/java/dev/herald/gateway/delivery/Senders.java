package dev.herald.gateway.delivery;

import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.store.DeliveryRow;
import java.util.concurrent.CompletionStage;

/** Chooses the sender for a message: the sandbox for sandbox workspaces, else the channel's sender. */
public final class Senders implements AutoCloseable {
    private final Sender<WebhookMessage> webhook;
    private final Sender<OutboundMessage> sandbox = new SandboxSender();

    /** Senders with these channel implementations (owned: closed with this object). */
    public Senders(Sender<WebhookMessage> webhook) {
        this.webhook = webhook;
    }

    CompletionStage<SendOutcome> send(WorkspaceConfig ws, DeliveryRow delivery, OutboundMessage message) {
        if (ws.sandbox()) {
            return sandbox.send(message);
        }
        return switch (message) {
            case WebhookMessage w -> webhook.send(w);
            case EmailMessage e -> notConfigured(e);
            case SmsMessage s -> notConfigured(s);
            case ApplePushMessage a -> notConfigured(a);
            case AndroidPushMessage a -> notConfigured(a);
        };
    }

    private static CompletionStage<SendOutcome> notConfigured(OutboundMessage m) {
        return java.util.concurrent.CompletableFuture.completedFuture(new SendOutcome.Failed(
                "no " + m.channel().wireName() + " sender is configured for this workspace"));
    }

    @Override
    public void close() {
        webhook.close();
        sandbox.close();
    }
}
