package dev.herald.gateway.events;

import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** How the event publishers (postbacks, the Currents-style stream) send to a workspace's own endpoint. */
final class ConnectorSends {
    private ConnectorSends() {
    }

    /**
     * Sends the message {@code message} builds; every ending is an outcome: a message that cannot be built, a sender
     * that throws or a stage that fails (a closed sender, a bug) is a retry, so the caller always records something.
     */
    static CompletableFuture<SendOutcome> sendOrRetry(Sender<WebhookMessage> http, Supplier<WebhookMessage> message) {
        CompletableFuture<SendOutcome> sent;
        try {
            sent = http.send(message.get()).toCompletableFuture();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((outcome, failure) -> outcome != null ? outcome
                : SendOutcome.Retry.of(String.valueOf(failure)));
    }
}
