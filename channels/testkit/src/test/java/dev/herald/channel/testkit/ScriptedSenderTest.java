package dev.herald.channel.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

final class ScriptedSenderTest extends SenderContract<WebhookMessage> {

    @Override
    protected Sender<WebhookMessage> newSender() {
        return new ScriptedSender<>();
    }

    @Override
    protected WebhookMessage acceptableMessage() {
        return new WebhookMessage(new DeliveryRef(UUID.randomUUID(), 1), URI.create("http://example.test/"), "POST",
                Map.of(), "{}");
    }

    @Test
    void answersTheScriptThenTheFallback() throws Exception {
        var sender = new ScriptedSender<WebhookMessage>().thenAnswer(SendOutcome.Retry.of("once"));
        assertInstanceOf(SendOutcome.Retry.class, sender.send(acceptableMessage()).toCompletableFuture().get());
        assertInstanceOf(SendOutcome.Accepted.class, sender.send(acceptableMessage()).toCompletableFuture().get());
        assertEquals(2, sender.received().size());
    }
}
