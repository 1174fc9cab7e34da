package dev.herald.channel.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Sender} promises, checked against the adapter's own loopback peer. An adapter's test
 * extends this and supplies a sender wired to its peer and a message the peer accepts.
 *
 * @param <M> the adapter's message type
 */
public abstract class SenderContract<M extends OutboundMessage> {

    /** A new sender connected to the test's peer. */
    protected abstract Sender<M> newSender();

    /** A message the peer accepts; each call returns a new delivery id. */
    protected abstract M acceptableMessage();

    @Test
    void answersAnOutcomeForAnAcceptedMessage() throws Exception {
        try (Sender<M> sender = newSender()) {
            SendOutcome outcome = sender.send(acceptableMessage()).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertNotNull(outcome);
            assertInstanceOf(SendOutcome.Accepted.class, outcome, outcome.describe());
        }
    }

    @Test
    void aClosedSenderFailsFastWithIllegalState() {
        Sender<M> sender = newSender();
        sender.close();
        assertDoesNotThrow(sender::close, "close must be idempotent");
        var future = sender.send(acceptableMessage()).toCompletableFuture();
        var e = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }
}
