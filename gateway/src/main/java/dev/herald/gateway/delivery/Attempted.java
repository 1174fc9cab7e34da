package dev.herald.gateway.delivery;

import dev.herald.channel.SendOutcome;
import dev.herald.gateway.binding.DirectoryEffect;
import dev.herald.gateway.store.DeliveryUpdate;
import java.util.Objects;
import java.util.Optional;

/**
 * How an attempt ended, ready to be written.
 *
 * @param update the delivery's new state
 * @param answer the provider's (or the sandbox's) answer, when the message reached one
 * @param effect what the answer changes in the directory, written with the update
 */
record Attempted(DeliveryUpdate update, Optional<SendOutcome> answer, Optional<DirectoryEffect> effect) {
    Attempted {
        Objects.requireNonNull(update, "update");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(effect, "effect");
    }

    /** An ending without an answer (aborted, unsendable, or an attempt that failed before it reached a sender). */
    static Attempted without(DeliveryUpdate update) {
        return new Attempted(update, Optional.empty(), Optional.empty());
    }
}
