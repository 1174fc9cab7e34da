package dev.herald.gateway.delivery;

import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sandbox: runs the whole pipeline but never contacts a provider. The outcome comes from the address
 * (DESIGN §5): a webhook host ending {@code .fail} fails, {@code .retry} asks for one retry and is then
 * delivered; anything else is accepted with a simulated provider id.
 */
final class SandboxSender implements Sender<OutboundMessage> {

    @Override
    public CompletionStage<SendOutcome> send(OutboundMessage message) {
        return CompletableFuture.completedFuture(switch (message) {
            case WebhookMessage w -> webhook(w);
        });
    }

    private static SendOutcome webhook(WebhookMessage w) {
        String host = w.url().getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".fail")) {
            return new SendOutcome.Failed("sandbox: webhook host " + host + " ends in .fail");
        }
        if (host.endsWith(".retry") && w.delivery().attempt() == 1) {
            return SendOutcome.Retry.of("sandbox: webhook host " + host + " ends in .retry (retried once)");
        }
        return SendOutcome.Accepted.withId("sandbox-" + w.delivery().id(), true);
    }

    @Override
    public void close() {
    }
}
