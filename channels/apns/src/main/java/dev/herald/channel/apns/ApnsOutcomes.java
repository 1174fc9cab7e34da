package dev.herald.channel.apns;

import com.eatthepath.pushy.apns.PushNotificationResponse;
import dev.herald.channel.SendOutcome;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Maps APNs answers to {@link SendOutcome}s, following Apple's "Handling notification responses from APNs" table
 * (https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns) and
 * Pushy's rule that a rejection is permanent while a failed future is worth retrying:
 *
 * <table>
 *   <caption>APNs answer → outcome</caption>
 *   <tr><td>200</td><td>{@code Accepted(apns-id, finalHop=false)}: APNs has it, the device may not yet</td></tr>
 *   <tr><td>410 Unregistered / ExpiredToken</td><td>{@code AddressInvalid}, {@code since} = APNs' timestamp</td></tr>
 *   <tr><td>400 BadDeviceToken, DeviceTokenNotForTopic</td><td>{@code AddressInvalid}</td></tr>
 *   <tr><td>429 TooManyRequests (one device)</td><td>{@code Retry} of this delivery only</td></tr>
 *   <tr><td>429 TooManyProviderTokenUpdates</td>
 *       <td>{@code Throttled} 20 minutes (Apple: one new token per 20 minutes)</td></tr>
 *   <tr><td>403 ExpiredProviderToken</td><td>{@code Retry}: Pushy reconnects with a freshly signed token</td></tr>
 *   <tr><td>other 403 (InvalidProviderToken, BadCertificate, ...)</td>
 *       <td>{@code Throttled} 5 minutes, "credential rejected: ..."</td></tr>
 *   <tr><td>5xx (InternalServerError, ServiceUnavailable, Shutdown), 400 IdleTimeout</td><td>{@code Retry}</td></tr>
 *   <tr><td>other 4xx (BadTopic, PayloadTooLarge, BadExpirationDate, ...)</td>
 *       <td>{@code Failed} with the reason</td></tr>
 *   <tr><td>TLS handshake refused</td><td>{@code Throttled} 5 minutes, "credential rejected: ..."</td></tr>
 *   <tr><td>other failed futures (connect error, stream closed before a reply, client closed)</td>
 *       <td>{@code Retry}; APNs may have the notification already, so a duplicate is possible</td></tr>
 * </table>
 */
final class ApnsOutcomes {
    /** How long a rejected credential is parked. */
    static final Duration CREDENTIAL_PAUSE = Duration.ofMinutes(5);
    /** Apple refuses provider token updates more often than every 20 minutes. */
    static final Duration TOKEN_UPDATE_PAUSE = Duration.ofMinutes(20);

    private ApnsOutcomes() {
    }

    static SendOutcome fromResponse(PushNotificationResponse<?> response) {
        if (response.isAccepted()) {
            return SendOutcome.Accepted.withId(response.getApnsId().toString(), false);
        }
        return fromRejection(response.getStatusCode(), response.getRejectionReason().orElse(""),
                response.getTokenInvalidationTimestamp());
    }

    static SendOutcome fromRejection(int status, String reason, Optional<Instant> invalidSince) {
        String what = "APNs " + status + (reason.isEmpty() ? "" : " " + reason);
        return switch (reason) {
            case "Unregistered", "ExpiredToken" -> new SendOutcome.AddressInvalid(what, invalidSince);
            case "BadDeviceToken" -> SendOutcome.AddressInvalid.of(what
                    + " (also the answer for a token from the other APNs environment)");
            case "DeviceTokenNotForTopic" -> SendOutcome.AddressInvalid.of(what);
            case "TooManyRequests" -> SendOutcome.Retry.forRecipient(what + ": too many notifications to this device",
                    java.time.Duration.ZERO);
            case "TooManyProviderTokenUpdates" -> new SendOutcome.Throttled(TOKEN_UPDATE_PAUSE, what);
            case "ExpiredProviderToken" -> SendOutcome.Retry.of(what + ": the next connection signs a new token");
            case "IdleTimeout" -> SendOutcome.Retry.of(what);
            case "InvalidProviderToken", "MissingProviderToken", "BadCertificate", "BadCertificateEnvironment",
                 "Forbidden" -> credentialRejected(what);
            default -> byStatus(status, what, invalidSince);
        };
    }

    static SendOutcome fromFailure(Throwable failure) {
        Throwable t = unwrap(failure);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLHandshakeException handshake) {
                return credentialRejected("TLS handshake with APNs failed (client certificate revoked, expired or "
                        + "for the other environment, or the server not trusted): " + handshake.getMessage());
            }
            if (c instanceof ConnectException refused) {
                return SendOutcome.Retry.of("could not connect to APNs: " + refused.getMessage());
            }
        }
        return SendOutcome.Retry.of("no answer from APNs (it may still deliver): " + t);
    }

    private static SendOutcome byStatus(int status, String what, Optional<Instant> invalidSince) {
        if (status == 410) {
            return new SendOutcome.AddressInvalid(what, invalidSince);
        }
        if (status == 403) {
            return credentialRejected(what);
        }
        if (status == 429 || status >= 500) {
            return SendOutcome.Retry.of(what);
        }
        return new SendOutcome.Failed(what);
    }

    private static SendOutcome credentialRejected(String what) {
        return new SendOutcome.Throttled(CREDENTIAL_PAUSE, "credential rejected: " + what);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable u = t;
        while ((u instanceof CompletionException || u instanceof ExecutionException) && u.getCause() != null) {
            u = u.getCause();
        }
        return u;
    }
}
