package dev.herald.gateway.delivery;

import dev.herald.channel.SendOutcome;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.store.DeliveryRow;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A delivery's change of state, as the transaction that writes it sees it.
 *
 * @param delivery          the delivery as it was (for an attempt: as claimed, its attempts counting this one)
 * @param kind              its dispatch's kind
 * @param spec              its dispatch's spec (empty when the stored spec could not be read)
 * @param from              the state it left
 * @param to                the state it is in now
 * @param reason            why: the provider's error, the abort reason
 * @param answer            the provider's (or the sandbox's) answer, when an attempt got one
 * @param providerMessageId the provider's id for the message, when it gave one
 * @param at                when
 */
public record StateChange(DeliveryRow delivery, DispatchKind kind, Optional<DispatchSpec> spec, DeliveryStatus from,
                          DeliveryStatus to, Optional<String> reason, Optional<SendOutcome> answer,
                          Optional<String> providerMessageId, Instant at) {
    public StateChange {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(providerMessageId, "providerMessageId");
        Objects.requireNonNull(at, "at");
    }
}
