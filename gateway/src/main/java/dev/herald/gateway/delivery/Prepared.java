package dev.herald.gateway.delivery;

import dev.herald.channel.OutboundMessage;
import java.util.Objects;

/** A delivery's message after rendering: ready to send, aborted by the template, or impossible to send. */
sealed interface Prepared {
    /** Ready for the sender. */
    record Ready(OutboundMessage message) implements Prepared {
        public Ready {
            Objects.requireNonNull(message, "message");
        }
    }

    /** {@code abort_message} ran, or nothing is left to send: the delivery ends {@code aborted}. */
    record Abort(String reason) implements Prepared {
    }

    /** The message cannot be built (a broken template, an invalid rendered URL): the delivery {@code failed}. */
    record Unsendable(String reason) implements Prepared {
    }
}
