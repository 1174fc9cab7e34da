package dev.herald.channel.sms;

import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.sms.SingleAttemptHttpClient.Answer;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Maps Twilio's answer to a message create call to a {@link SendOutcome} (providers.md §5.3; codes at
 * <a href="https://www.twilio.com/docs/api/errors">twilio.com/docs/api/errors</a>):
 *
 * <table>
 *   <caption>Twilio answer → outcome</caption>
 *   <tr><th>answer</th><th>outcome</th></tr>
 *   <tr><td>2xx with a Message SID</td>
 *       <td>{@code Accepted(sid, finalHop=false)}: Twilio "queued" is Herald "sent"</td></tr>
 *   <tr><td>2xx whose body cannot be read (unparsable, or cut off by a reset after the head)</td>
 *       <td>{@code Accepted} without an id (never sent twice)</td></tr>
 *   <tr><td>2xx read, but without a Message SID (not Twilio's answer: a misconfigured {@code api_base} or proxy)</td>
 *       <td>{@code Retry}: nothing says the message exists</td></tr>
 *   <tr><td>21610 (recipient replied STOP)</td><td>{@link SendOutcome.Failed#optedOut Failed.optedOut}, with
 *       code and message: the gateway unsubscribes the user from the group</td></tr>
 *   <tr><td>21211, 21612, 21614, 21635 (invalid, unroutable, not SMS-capable, landline)</td>
 *       <td>{@code AddressInvalid}</td></tr>
 *   <tr><td>20003 or HTTP 401 (credentials)</td><td>{@code Throttled(5 min, "credential rejected: ...")}</td></tr>
 *   <tr><td>HTTP 429 or 20429</td>
 *       <td>{@code Throttled} for {@code Retry-After} (seconds, or an HTTP-date), a second without one: the sender
 *       is paused, never counted toward the circuit breaker</td></tr>
 *   <tr><td>HTTP 5xx</td>
 *       <td>{@code Retry}, with {@code Retry-After} (seconds, or an HTTP-date) if sent</td></tr>
 *   <tr><td>no answer: refused, reset, timed out</td><td>{@code Retry}</td></tr>
 *   <tr><td>any other 4xx / 21xxx</td><td>{@code Failed} with code and message</td></tr>
 * </table>
 *
 * <p>A timeout or reset after the request was written may mean Twilio created the message anyway: message
 * creation is not idempotent, so that retry can send a duplicate SMS.
 */
final class TwilioOutcomes {
    static final int UNSUBSCRIBED = 21610;
    /** Synchronous codes meaning the number itself is unusable. */
    static final Set<Integer> BAD_NUMBER = Set.of(21211, 21612, 21614, 21635);
    static final Duration CREDENTIAL_PAUSE = Duration.ofMinutes(5);

    private static final int AUTHENTICATION_FAILED = 20003;
    private static final int TOO_MANY_REQUESTS = 20429;
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    /** How long a 429 without {@code Retry-After} pauses the sender. */
    static final Duration DEFAULT_THROTTLE = Duration.ofSeconds(1);

    private TwilioOutcomes() {
    }

    /** The outcome of a create call that returned a message. */
    static SendOutcome accepted(@Nullable String sid) {
        if (sid == null || sid.isBlank()) {
            return SendOutcome.Retry.of("the SMS API answered 2xx without a message SID (is api_base Twilio's?)");
        }
        return SendOutcome.Accepted.withId(sid, false);
    }

    /**
     * The outcome of a create call that threw.
     *
     * @param answer the HTTP answer the request got, if any: its status is the real one (the exception's comes
     *               from the error body), and it carries {@code Retry-After}
     * @param clock  what a {@code Retry-After} HTTP-date is measured against
     */
    static SendOutcome fromException(TwilioException e, Optional<Answer> answer, Clock clock) {
        Integer status = answer.map(Answer::status)
                .orElse(e instanceof ApiException api ? api.getStatusCode() : null);
        if (status == null) {
            return SendOutcome.Retry.of(transportFailure(e));
        }
        if (status >= 200 && status < 300) {
            // Twilio took the message but its reply could not be read: sending again would duplicate it.
            return new SendOutcome.Accepted(Optional.empty(), false);
        }
        Integer code = e instanceof ApiException api ? api.getCode() : null;
        String detail = describe(code, status, e);
        Duration retryAfter = answer.flatMap(Answer::retryAfter).flatMap(v -> retryAfter(v, clock))
                .orElse(Duration.ZERO);
        int twilioCode = code == null ? 0 : code;
        if (twilioCode == UNSUBSCRIBED) {
            return SendOutcome.Failed.optedOut(detail);
        }
        if (BAD_NUMBER.contains(twilioCode)) {
            return SendOutcome.AddressInvalid.of(detail);
        }
        if (twilioCode == AUTHENTICATION_FAILED || status == 401) {
            return new SendOutcome.Throttled(CREDENTIAL_PAUSE, "credential rejected: " + detail);
        }
        if (twilioCode == TOO_MANY_REQUESTS || status == 429) {
            Duration pause = answer.flatMap(Answer::retryAfter).flatMap(v -> retryAfter(v, clock))
                    .orElse(DEFAULT_THROTTLE);
            return new SendOutcome.Throttled(pause, "throttled: " + detail);
        }
        if (status >= 500) {
            return new SendOutcome.Retry(detail, retryAfter);
        }
        return new SendOutcome.Failed(detail);
    }

    /**
     * {@code Retry-After} as delay-seconds (what Twilio sends) or an HTTP-date (what a proxy at {@code api_base}
     * may send), measured against {@code clock}; capped at an hour.
     */
    static Optional<Duration> retryAfter(String value, Clock clock) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(atMostAnHour(Duration.ofSeconds(seconds)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : atMostAnHour(d));
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Duration atMostAnHour(Duration d) {
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private static String describe(@Nullable Integer code, int status, TwilioException e) {
        String message = e.getMessage() == null ? "" : oneLine(e.getMessage());
        String moreInfo = e instanceof ApiException api && api.getMoreInfo() != null
                ? " (" + api.getMoreInfo() + ")" : "";
        String head = code == null ? "HTTP " + status : "Twilio " + code + " (HTTP " + status + ")";
        return message.isEmpty() ? head + moreInfo : head + ": " + message + moreInfo;
    }

    /** Why no HTTP answer came back, from the exception's cause chain. */
    private static String transportFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Socket, connect and pool-lease timeouts are all InterruptedIOExceptions.
            if (t instanceof InterruptedIOException) {
                return "timed out: " + t.getMessage();
            }
            if (t instanceof ConnectException) {
                return "connection failed: " + t.getMessage();
            }
            if (t instanceof UnknownHostException) {
                return "host not found: " + t.getMessage();
            }
        }
        return "request failed: " + oneLine(String.valueOf(e.getMessage()));
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
