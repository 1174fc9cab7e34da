package dev.herald.gateway.delivery;

import dev.herald.channel.SendOutcome;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DeliveryUpdate;
import java.time.Instant;
import java.util.Optional;

/**
 * Maps a provider's {@link SendOutcome} to the delivery's next state (DESIGN §5): accepted → {@code sent},
 * or {@code delivered} when acceptance is evidence; retry → {@code queued} at the policy's time, or
 * {@code expired} past the age limit; failed → {@code failed}; address invalid → {@code bounced};
 * throttled → {@code queued} after the provider's pause.
 */
final class Outcomes {
    private final RetryPolicy retryPolicy;

    Outcomes(RetryPolicy retryPolicy) {
        this.retryPolicy = retryPolicy;
    }

    /**
     * The delivery's next state after {@code outcome}.
     *
     * @param detail kept with the delivery (the sandbox's rendered payload)
     */
    DeliveryUpdate update(DeliveryRow d, SendOutcome outcome, Instant now, Optional<String> detail) {
        return switch (outcome) {
            case SendOutcome.Accepted a -> new DeliveryUpdate(d.id(),
                    a.finalHop() ? DeliveryStatus.DELIVERED : DeliveryStatus.SENT, Optional.empty(), Optional.empty(),
                    a.providerMessageId(), detail);
            case SendOutcome.Retry r -> retryAt(d, retryPolicy.next(now, d.attempts(), r.after()), r.reason(), detail);
            case SendOutcome.Throttled t -> // never sooner than asked; backing off when the throttles repeat
                    retryAt(d, retryPolicy.next(now, d.attempts(), t.retryAfter()), t.reason(), detail);
            case SendOutcome.Failed f -> new DeliveryUpdate(d.id(), DeliveryStatus.FAILED, Optional.empty(),
                    Optional.of(f.reason()), Optional.empty(), detail);
            case SendOutcome.AddressInvalid a -> new DeliveryUpdate(d.id(), DeliveryStatus.BOUNCED, Optional.empty(),
                    Optional.of(a.reason()), Optional.empty(), detail);
        };
    }

    /** The end of a delivery that was never sent (its template aborted): {@code aborted} with the reason. */
    static DeliveryUpdate aborted(DeliveryRow d, String reason) {
        return new DeliveryUpdate(d.id(), DeliveryStatus.ABORTED, Optional.empty(), Optional.of(reason),
                Optional.empty(), Optional.empty());
    }

    private static DeliveryUpdate retryAt(DeliveryRow d, Instant next, String reason, Optional<String> detail) {
        if (!next.isBefore(d.expiresAt())) {
            return new DeliveryUpdate(d.id(), DeliveryStatus.EXPIRED, Optional.empty(),
                    Optional.of("gave up after " + d.attempts() + " attempt" + (d.attempts() == 1 ? "" : "s")
                            + " at the age limit; last error: " + reason), Optional.empty(), detail);
        }
        return new DeliveryUpdate(d.id(), DeliveryStatus.QUEUED, Optional.of(next), Optional.of(reason),
                Optional.empty(), detail);
    }
}
