package dev.herald.gateway.delivery;

import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import java.util.concurrent.CompletionStage;

/** Chooses the sender for a message: the sandbox for sandbox workspaces, else the channel's sender. */
public final class Senders implements AutoCloseable {
    private final Sender<WebhookMessage> webhook;
    private final Sender<OutboundMessage> sandbox = new SandboxSender();

    /** Senders with these channel implementations (owned: closed with this object). */
    public Senders(Sender<WebhookMessage> webhook) {
        this.webhook = webhook;
    }

    CompletionStage<SendOutcome> send(boolean sandboxed, OutboundMessage message) {
        if (sandboxed) {
            return sandbox.send(message);
        }
        return switch (message) {
            case WebhookMessage w -> webhook.send(w);
        };
    }

    @Override
    public void close() {
        webhook.close();
        sandbox.close();
    }
}
