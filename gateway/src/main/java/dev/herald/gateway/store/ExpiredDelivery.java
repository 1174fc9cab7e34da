package dev.herald.gateway.store;

import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.StoredSpec;
import java.util.Objects;

/**
 * A due delivery a claim found past its age limit and ended {@code expired} instead of claiming it.
 *
 * @param delivery the delivery as it was (queued)
 * @param kind     its dispatch's kind
 * @param spec     its dispatch's stored spec
 * @param reason   the error it now has
 */
public record ExpiredDelivery(DeliveryRow delivery, DispatchKind kind, StoredSpec spec, String reason) {
    public ExpiredDelivery {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(reason, "reason");
    }
}
