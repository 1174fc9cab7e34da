package dev.herald.channel.webhook;

import dev.herald.channel.SendOutcome;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Maps a webhook target's answer to a {@link SendOutcome}: 2xx delivered; 3xx failed (redirects are not
 * followed: a redirect could lead past the SSRF guard); 429 throttles the host for its {@code Retry-After} (a
 * second when it sends none, at most an hour): the host asked Herald to slow down, it did not fail, so a 429 never
 * counts toward the circuit breaker; 408 and 5xx retried, honouring {@code Retry-After}; other 4xx failed;
 * connection errors and timeouts retried; a host that resolves only to refused addresses failed. Follows the
 * Standard Webhooks producer rules (providers.md §9).
 */
final class WebhookOutcomes {
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);
    /** How long a 429 without {@code Retry-After} pauses the host; repeated ones back off per delivery. */
    static final Duration DEFAULT_THROTTLE = Duration.ofSeconds(1);
    /** The longest pause a 429's {@code Retry-After} buys: a host cannot park its queue for a day by mistake. */
    static final Duration MAX_THROTTLE = Duration.ofHours(1);

    private WebhookOutcomes() {
    }

    static SendOutcome fromResponse(WebhookResponse r, Clock clock) {
        int code = r.status();
        String what = "HTTP " + code + (r.reasonPhrase().isBlank() || r.reasonPhrase().equals("null")
                ? "" : " " + r.reasonPhrase());
        if (code >= 200 && code < 300) {
            return new SendOutcome.Accepted(Optional.empty(), true);
        }
        if (code >= 300 && code < 400) {
            return new SendOutcome.Failed(what + ": redirect" + r.location().map(l -> " to " + l).orElse("")
                    + " not followed");
        }
        String detail = r.bodyStart().isBlank() ? what : what + ": " + oneLine(r.bodyStart());
        if (code == 429) {
            Duration pause = r.retryAfter().flatMap(v -> retryAfter(v, clock)).orElse(DEFAULT_THROTTLE);
            return new SendOutcome.Throttled(pause.compareTo(MAX_THROTTLE) > 0 ? MAX_THROTTLE : pause, detail);
        }
        if (code == 408 || code >= 500) {
            return new SendOutcome.Retry(detail, r.retryAfter().flatMap(v -> retryAfter(v, clock)).orElse(Duration.ZERO));
        }
        return new SendOutcome.Failed(detail);
    }

    static SendOutcome fromFailure(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && !(t instanceof BlockedAddressException)) {
            // The first TLS failure names the fault; its causes (a certificate path the JDK could not build) do not.
            if (t instanceof UnknownHostException || t instanceof ConnectException || t instanceof SSLException) {
                break;
            }
            t = t.getCause();
        }
        return switch (t) {
            case BlockedAddressException blocked -> new SendOutcome.Failed(blocked.getMessage());
            case UnknownHostException unknown -> SendOutcome.Retry.of("host not found: " + unknown.getMessage());
            case ConnectException refused -> SendOutcome.Retry.of("connection failed: " + refused.getMessage());
            case NoRouteToHostException noRoute -> SendOutcome.Retry.of("no route to host: " + noRoute.getMessage());
            case SSLException tls -> SendOutcome.Retry.of("TLS failed: " + tls.getMessage());
            case TimeoutException timeout -> SendOutcome.Retry.of("timed out: " + timeout.getMessage());
            case InterruptedIOException timeout -> SendOutcome.Retry.of("timed out: " + timeout.getMessage());
            case CancellationException cancelled -> SendOutcome.Retry.of("request cancelled");
            default -> SendOutcome.Retry.of("request failed: " + t);
        };
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date; capped at a day. */
    static Optional<Duration> retryAfter(String value, Clock clock) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(min(Duration.ofSeconds(seconds)));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : min(d));
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Duration min(Duration d) {
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
