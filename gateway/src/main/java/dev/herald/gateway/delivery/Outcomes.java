package dev.herald.gateway.delivery;

import dev.herald.channel.SendOutcome;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DeliveryStatus;
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

    /** The new state of the delivery and what else changes in the directory, written together. */
    record Write(DeliveryUpdate update, Optional<DirectoryEffect> effect) {
    }

    Write write(DeliveryRow d, SendOutcome outcome, Instant now, Optional<String> detail) {
        return new Write(update(d, outcome, now, detail), effect(d, outcome));
    }

    /** A dead address is marked in the directory (email and phone for every profile using it; push per token). */
    static Optional<DirectoryEffect> effect(DeliveryRow d, SendOutcome outcome) {
        if (!(outcome instanceof SendOutcome.AddressInvalid invalid) || d.address().isEmpty()) {
            return Optional.empty();
        }
        return switch (d.channel()) {
            case EMAIL -> Optional.of(new DirectoryEffect.EmailBounced(d.workspace(), d.address(), invalid.reason()));
            case SMS -> Optional.of(new DirectoryEffect.PhoneInvalid(d.workspace(), d.address(), invalid.reason()));
            case APPLE_PUSH, ANDROID_PUSH -> Optional.of(new DirectoryEffect.TokenInvalid(d.workspace(),
                    d.appId().orElse(""), d.address(), invalid.since(), invalid.reason()));
            case WEBHOOK -> Optional.empty();
        };
    }

    DeliveryUpdate update(DeliveryRow d, SendOutcome outcome, Instant now, Optional<String> detail) {
        return switch (outcome) {
            case SendOutcome.Accepted a -> new DeliveryUpdate(d.id(),
                    a.finalHop() ? DeliveryStatus.DELIVERED : DeliveryStatus.SENT, Optional.empty(), Optional.empty(),
                    a.providerMessageId(), detail);
            case SendOutcome.Retry r -> retryAt(d, retryPolicy.next(now, d.attempts(), r.after()), r.reason(), detail);
            case SendOutcome.Throttled t -> retryAt(d, now.plus(t.retryAfter()), t.reason(), detail);
            case SendOutcome.Failed f -> new DeliveryUpdate(d.id(), DeliveryStatus.FAILED, Optional.empty(),
                    Optional.of(f.reason()), Optional.empty(), detail);
            case SendOutcome.AddressInvalid a -> new DeliveryUpdate(d.id(), DeliveryStatus.BOUNCED, Optional.empty(),
                    Optional.of(a.reason()), Optional.empty(), detail);
        };
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
