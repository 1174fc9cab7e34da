package dev.herald.gateway.store;

import dev.herald.gateway.model.DeliveryStatus;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the usage counts count (each a column of {@code usage_hour} and a value of the {@code outcome} tag of
 * {@code herald.usage}). Every count is of events in the hour they happened, so one delivery may count under several:
 * {@code accepted} when it is created, {@code sent} when a provider accepts it, {@code delivered} when there is
 * evidence, and so on. {@code expired} is its own count, apart from {@code failed}: a delivery that gave up at its age
 * limit is a capacity problem, a failed one a message or provider problem, and the reader can add them up.
 */
public enum UsageOutcome {
    /** A delivery was created by an expansion (an accepted dispatch × recipient × channel × address). */
    ACCEPTED,
    /** A provider accepted it (a webhook 2xx, an SMTP 250, APNs/FCM accepted, Twilio queued). */
    SENT,
    /** Evidence of delivery (a webhook 2xx, a final-hop relay, a Twilio {@code delivered} report). */
    DELIVERED,
    /** The provider reported it undelivered after accepting it. */
    UNDELIVERED,
    /** The address is dead. */
    BOUNCED,
    /** A permanent failure. */
    FAILED,
    /** Gave up at its age limit. */
    EXPIRED,
    /** Nothing to send (no address, unsubscribed, a template abort, a deleted user). */
    ABORTED,
    /** A dead letter was queued again by a replay. */
    REPLAYED;

    /** The column in {@code usage_hour} and the name in the API and the metric. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What a delivery's move from {@code from} to {@code to} counts: {@code sent} when a provider takes it (also when
     * taking it is already the evidence of delivery, so sent counts every accepted message), the new state when that
     * is one counted, {@code replayed} when a dead letter is queued again; nothing for a retry.
     */
    public static Set<UsageOutcome> ofMove(DeliveryStatus from, DeliveryStatus to) {
        Set<UsageOutcome> out = EnumSet.noneOf(UsageOutcome.class);
        boolean unsent = from == DeliveryStatus.QUEUED || from == DeliveryStatus.SENDING;
        switch (to) {
            case SENT -> out.add(SENT);
            case DELIVERED -> {
                if (unsent) {
                    out.add(SENT);
                }
                out.add(DELIVERED);
            }
            case UNDELIVERED -> {
                if (unsent) {
                    out.add(SENT);
                }
                out.add(UNDELIVERED);
            }
            case BOUNCED -> out.add(BOUNCED);
            case FAILED -> out.add(FAILED);
            case EXPIRED -> out.add(EXPIRED);
            case ABORTED -> out.add(ABORTED);
            case QUEUED -> {
                if (from.isFinished()) {
                    out.add(REPLAYED);
                }
            }
            case SENDING -> {
                // an attempt starting is not an outcome
            }
        }
        return out;
    }
}
