package dev.herald.channel.testkit;

import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A sender that answers from a script and records every message it was given. Outcomes queued with
 * {@link #thenAnswer} are used first, in order; after that {@link #otherwise} decides (by default every
 * message is accepted as delivered). Thread-safe.
 *
 * @param <M> the message type
 */
public final class ScriptedSender<M extends OutboundMessage> implements Sender<M> {
    private final Deque<SendOutcome> script = new ArrayDeque<>();
    private final List<M> received = new ArrayList<>();
    private Function<M, CompletionStage<SendOutcome>> fallback =
            m -> CompletableFuture.completedFuture(SendOutcome.Accepted.withId("scripted-" + m.delivery().id(), true));
    private boolean closed;

    /** Queues outcomes for the next sends. */
    public synchronized ScriptedSender<M> thenAnswer(SendOutcome... outcomes) {
        script.addAll(List.of(outcomes));
        return this;
    }

    /** Sets how messages are answered once the script is used up. */
    public synchronized ScriptedSender<M> otherwise(Function<M, CompletionStage<SendOutcome>> answer) {
        this.fallback = answer;
        return this;
    }

    /** Answers every message once the script is used up with {@code outcome}. */
    public ScriptedSender<M> otherwise(SendOutcome outcome) {
        return otherwise(m -> CompletableFuture.completedFuture(outcome));
    }

    @Override
    public CompletionStage<SendOutcome> send(M message) {
        SendOutcome next;
        Function<M, CompletionStage<SendOutcome>> answer;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("sender closed"));
            }
            received.add(message);
            next = script.pollFirst();
            answer = fallback;
        }
        return next != null ? CompletableFuture.completedFuture(next) : answer.apply(message);
    }

    /** The messages sent so far, in order. */
    public synchronized List<M> received() {
        return List.copyOf(received);
    }

    /** The last message sent, if any. */
    public synchronized Optional<M> last() {
        return received.isEmpty() ? Optional.empty() : Optional.of(received.get(received.size() - 1));
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
