package dev.herald.channel;

import java.util.concurrent.CompletionStage;

/**
 * Sends one kind of message to one provider.
 *
 * <p><b>Threading.</b> Implementations are thread-safe and long-lived (one per credential or client pool).
 * {@link #send} never blocks its caller: I/O completes a future, and blocking SDK calls run on an executor
 * the sender was given.
 *
 * <p><b>Failure semantics.</b> The returned stage completes normally with a {@link SendOutcome} for every
 * answer the provider can give, including rejections, throttling and connection errors. It completes
 * exceptionally only on a bug or when the sender is closed ({@link IllegalStateException}); the scheduler
 * treats that as a retry. Senders never retry: the scheduler persists the next attempt.
 *
 * <p><b>Lifecycle.</b> {@link #close()} is idempotent; it stops new sends and releases what the sender
 * created itself, never resources that were passed in.
 *
 * @param <M> the message record this sender understands
 */
public interface Sender<M extends OutboundMessage> extends AutoCloseable {

    /** Attempts one delivery. */
    CompletionStage<SendOutcome> send(M message);

    /** Stops accepting sends; later calls to {@link #send} fail with {@link IllegalStateException}. */
    @Override
    void close();
}
