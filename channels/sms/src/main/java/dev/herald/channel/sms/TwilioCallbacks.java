package dev.herald.channel.sms;

import com.twilio.rest.api.v2010.account.Message;
import com.twilio.security.RequestValidator;
import dev.herald.channel.sms.CallbackStatus.State;
import dev.herald.config.Secret;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Twilio status callbacks ({@code POST /herald/v1/callbacks/twilio/{workspace}}, form-encoded): signature
 * verification and the mapping of {@code MessageStatus} to a delivery state (providers.md §5.4).
 *
 * <table>
 *   <caption>{@code MessageStatus} (+ {@code ErrorCode}) → {@link CallbackStatus.State}</caption>
 *   <tr><th>MessageStatus</th><th>state</th></tr>
 *   <tr><td>queued, accepted, scheduled, sending, sent, partially_delivered</td><td>SENT</td></tr>
 *   <tr><td>delivered, read</td><td>DELIVERED</td></tr>
 *   <tr><td>undelivered (any ErrorCode, kept)</td><td>UNDELIVERED</td></tr>
 *   <tr><td>failed with 30005, 30006, 21211, 21612, 21614 or 21635 (the number is dead)</td><td>BOUNCED</td></tr>
 *   <tr><td>failed with any other or no ErrorCode; canceled</td><td>FAILED</td></tr>
 *   <tr><td>receiving, received (inbound), unknown values, no MessageSid</td><td>none: ignore the callback</td></tr>
 * </table>
 *
 * <p>Codes: <a href="https://www.twilio.com/docs/api/errors">twilio.com/docs/api/errors</a>; statuses:
 * Twilio's "Track the Message Status of Outbound Messages".
 */
public final class TwilioCallbacks {
    /** The header carrying Twilio's signature. */
    public static final String SIGNATURE_HEADER = "X-Twilio-Signature";

    /** Asynchronous codes for a destination that cannot receive SMS: unknown handset, landline. */
    private static final Set<Integer> DEAD_DESTINATION = Set.of(30005, 30006);

    private TwilioCallbacks() {
    }

    /**
     * Whether Twilio signed this callback: {@code X-Twilio-Signature} must equal
     * Base64(HMAC-SHA1(authToken, fullUrl + every form parameter as key + value, sorted by key)), compared in
     * constant time by the SDK's {@link RequestValidator}. Validate whatever parameters arrived; Twilio adds
     * new ones without notice.
     *
     * @param fullUrl         the exact URL Twilio called, with scheme, host and query as Twilio saw them (behind
     *                        a proxy, rebuild it from {@code server.public_url}); with or without the default port
     * @param formParams      the decoded form body
     * @param signatureHeader the {@code X-Twilio-Signature} value; null or blank when missing
     */
    public static boolean verify(Secret authToken, String fullUrl, Map<String, String> formParams,
                                 @Nullable String signatureHeader) {
        if (signatureHeader == null || signatureHeader.isBlank() || authToken.isEmpty()) {
            return false;
        }
        return new RequestValidator(authToken.reveal()).validate(fullUrl, formParams, signatureHeader.trim());
    }

    /**
     * What a (verified) callback says, or empty when it is not about a message Herald sent: no
     * {@code MessageSid}, an inbound status, or a status this SDK does not know.
     */
    public static Optional<CallbackStatus> status(Map<String, String> formParams) {
        String sid = firstPresent(formParams, "MessageSid", "SmsSid");
        String raw = firstPresent(formParams, "MessageStatus", "SmsStatus");
        if (sid == null || raw == null) {
            return Optional.empty();
        }
        Message.Status status = Message.Status.forValue(raw.trim());
        if (status == null) {
            return Optional.empty();
        }
        Optional<Integer> errorCode = errorCode(formParams.get("ErrorCode"));
        return state(status, errorCode).map(state -> new CallbackStatus(sid, state, raw.trim(), errorCode));
    }

    private static Optional<State> state(Message.Status status, Optional<Integer> errorCode) {
        return switch (status) {
            case QUEUED, ACCEPTED, SCHEDULED, SENDING, SENT, PARTIALLY_DELIVERED -> Optional.of(State.SENT);
            case DELIVERED, READ -> Optional.of(State.DELIVERED);
            case UNDELIVERED -> Optional.of(State.UNDELIVERED);
            case FAILED -> Optional.of(errorCode.filter(TwilioCallbacks::deadNumber).isPresent()
                    ? State.BOUNCED : State.FAILED);
            case CANCELED -> Optional.of(State.FAILED);
            case RECEIVING, RECEIVED -> Optional.empty();
        };
    }

    private static boolean deadNumber(int code) {
        return DEAD_DESTINATION.contains(code) || TwilioOutcomes.BAD_NUMBER.contains(code);
    }

    private static Optional<Integer> errorCode(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    private static @Nullable String firstPresent(Map<String, String> params, String name, String legacyName) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            value = params.get(legacyName);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
