package dev.herald.gateway.model;

import java.util.Locale;

/**
 * The states of one delivery (DESIGN §5). They only move forward: a late or repeated signal never moves a
 * delivery back, except the retry loop {@code sending → queued}.
 */
public enum DeliveryStatus {
    /** Waiting for its next attempt. */
    QUEUED,
    /** An attempt is running. */
    SENDING,
    /** The provider accepted it. */
    SENT,
    /** Evidence of delivery (a webhook 2xx, a delivery receipt, a final-hop relay). */
    DELIVERED,
    /** The provider reported it could not be delivered after accepting it. */
    UNDELIVERED,
    /** The address is dead. */
    BOUNCED,
    /** A permanent failure. */
    FAILED,
    /** Nothing to send: no address, unsubscribed, or the template aborted. */
    ABORTED,
    /** Gave up at the age limit. */
    EXPIRED;

    /** The name stored in the journal and shown by the status API. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status for a stored name. */
    public static DeliveryStatus fromDb(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Whether no further attempt will be made. {@code sent} is final for attempts but may still become delivered. */
    public boolean isFinished() {
        return this != QUEUED && this != SENDING;
    }

    /** Whether a delivery in this state may move to {@code next}. */
    public boolean canMoveTo(DeliveryStatus next) {
        return switch (this) {
            case QUEUED -> next != QUEUED;
            case SENDING -> true;
            case SENT -> next == DELIVERED || next == UNDELIVERED || next == BOUNCED || next == FAILED;
            case UNDELIVERED -> next == DELIVERED;
            case DELIVERED, BOUNCED, FAILED, ABORTED, EXPIRED -> false;
        };
    }
}
