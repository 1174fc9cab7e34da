package dev.herald.gateway.template;

import java.util.Objects;

/** The result of rendering one template. */
public sealed interface Rendered {
    /** The text. */
    record Text(String value) implements Rendered {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code {% abort_message("reason") %}} ran: the delivery ends {@code aborted} with this reason. */
    record Aborted(String reason) implements Rendered {
        public Aborted {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The template is broken or exceeded a bound: the delivery fails with this reason. */
    record Failed(String reason) implements Rendered {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
