package dev.herald.channel.sms;

import java.util.Objects;
import java.util.Optional;

/**
 * What one Twilio status callback says about a message Herald sent: the gateway finds the delivery by
 * {@link #messageSid()} (the provider id {@link TwilioSmsSender} returned) and moves it forward to
 * {@link #state()}; a state earlier than the delivery's current one is ignored.
 *
 * @param messageSid   Twilio's {@code MessageSid}
 * @param state        the delivery state the callback is evidence of
 * @param twilioStatus Twilio's {@code MessageStatus} as sent, e.g. {@code "undelivered"}, for the status API
 * @param errorCode    Twilio's {@code ErrorCode} (30003 unreachable, 30005 unknown number, 30006 landline,
 *                     30007 carrier filtering, 30008 unknown, ...), when it sent one
 */
public record CallbackStatus(String messageSid, State state, String twilioStatus, Optional<Integer> errorCode) {

    /** The delivery states a callback can move a delivery to (DESIGN.md §5). */
    public enum State {
        /** Still with Twilio or the carrier: queued, accepted, scheduled, sending, sent, partially delivered. */
        SENT,
        /** The handset got it: delivered, read. */
        DELIVERED,
        /** The carrier could not deliver it; {@link #errorCode()} says why (it may be transient, e.g. 30003). */
        UNDELIVERED,
        /** Failed because the number is dead (unknown destination, landline, invalid): the address bounces. */
        BOUNCED,
        /** Failed for any other reason, or canceled. */
        FAILED
    }

    public CallbackStatus {
        Objects.requireNonNull(messageSid, "messageSid");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(twilioStatus, "twilioStatus");
        Objects.requireNonNull(errorCode, "errorCode");
    }

    /** Whether Twilio refused the message because the recipient replied STOP (error 21610). */
    public boolean unsubscribed() {
        return errorCode.filter(code -> code == TwilioOutcomes.UNSUBSCRIBED).isPresent();
    }
}
