package dev.herald.gateway.binding;

import dev.herald.channel.OutboundMessage;
import java.util.Objects;

/**
 * A delivery's message after rendering: ready to send, aborted by its template, or impossible to send.
 *
 * @param <M> the SPI message
 */
public sealed interface Prepared<M extends OutboundMessage> {
    /** Ready for the sender. */
    record Ready<M extends OutboundMessage>(M message) implements Prepared<M> {
        public Ready {
            Objects.requireNonNull(message, "message");
        }
    }

    /** {@code abort_message} ran: the delivery ends {@code aborted}. */
    record Abort<M extends OutboundMessage>(String reason) implements Prepared<M> {
        public Abort {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The message cannot be built (a broken template, an invalid rendered URL): the delivery {@code failed}. */
    record Unsendable<M extends OutboundMessage>(String reason) implements Prepared<M> {
        public Unsendable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
