package dev.herald.channel.fcm;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.JsonFactory;
import com.google.auth.Retryable;
import com.google.firebase.ErrorCode;
import com.google.firebase.IncomingHttpResponse;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.MessagingErrorCode;
import dev.herald.channel.SendOutcome;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Maps FCM's answer to a {@link SendOutcome} (providers.md §2.3;
 * <a href="https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode">FCM ErrorCode</a>).
 *
 * <table>
 * <caption>Taxonomy</caption>
 * <tr><th>FCM</th><th>outcome</th></tr>
 * <tr><td>message id</td><td>{@code Accepted(id, finalHop=false)}: FCM took it, delivery is not known</td></tr>
 * <tr><td>UNREGISTERED (404), SENDER_ID_MISMATCH (403)</td><td>{@code AddressInvalid}</td></tr>
 * <tr><td>INVALID_ARGUMENT (400) about the token</td><td>{@code AddressInvalid}</td></tr>
 * <tr><td>INVALID_ARGUMENT (400) about the payload</td><td>{@code Failed}</td></tr>
 * <tr><td>QUOTA_EXCEEDED (429)</td><td>{@code Retry} after {@code Retry-After} (60 s when absent, as FCM
 *     advises); {@code Throttled} for the project when a burst of distinct tokens hits it
 *     ({@link QuotaBurstDetector})</td></tr>
 * <tr><td>UNAVAILABLE (503, after the SDK's own retries), INTERNAL (500), other or no code, I/O errors</td>
 *     <td>{@code Retry}, honouring {@code Retry-After}; FCM may have delivered, so a duplicate is
 *     possible</td></tr>
 * <tr><td>THIRD_PARTY_AUTH_ERROR (401); UNAUTHENTICATED, PERMISSION_DENIED or NOT_FOUND without an FCM code;
 *     a refused OAuth token exchange</td><td>{@code Throttled} 5 minutes, "credential rejected: ...": the
 *     service account, its permissions, the project id or the APNs/web-push key in the project are wrong, and
 *     no message on it can succeed until that is fixed</td></tr>
 * </table>
 *
 * <p>INVALID_ARGUMENT is about the token when the error's {@code google.rpc.BadRequest} details name the field
 * {@code message.token}, or when its message speaks of the "registration token" (FCM's wording today: "The
 * registration token is not a valid FCM registration token"). Anything else (a reserved data key, a bad TTL, a
 * payload over 4 KiB) is the payload's fault: retrying or dropping the token would not help.
 */
final class FcmOutcomes {
    /** How long a rejected credential is parked. */
    static final Duration CREDENTIAL_PAUSE = Duration.ofMinutes(5);
    /** FCM's advice when a 429 carries no Retry-After. */
    static final Duration QUOTA_DEFAULT_WAIT = Duration.ofSeconds(60);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);
    private static final String BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest";

    private final QuotaBurstDetector quotaBursts;
    private final JsonFactory json;
    private final Clock clock;

    FcmOutcomes(QuotaBurstDetector quotaBursts, JsonFactory json, Clock clock) {
        this.quotaBursts = quotaBursts;
        this.json = json;
        this.clock = clock;
    }

    static SendOutcome accepted(@Nullable String messageId) {
        return new SendOutcome.Accepted(Optional.ofNullable(messageId), false);
    }

    /** The outcome for a failed {@code sendAsync} to {@code token}. */
    SendOutcome fromFailure(Throwable failure, String token) {
        Throwable t = unwrap(failure);
        if (t instanceof FirebaseMessagingException fme) {
            MessagingErrorCode code = fme.getMessagingErrorCode();
            return code != null ? fromMessagingCode(code, fme, token) : fromPlatformCode(fme, token);
        }
        if (t instanceof CancellationException) {
            return SendOutcome.Retry.of("FCM send cancelled");
        }
        return SendOutcome.Retry.of("FCM send failed: " + oneLine(String.valueOf(t)));
    }

    private SendOutcome fromMessagingCode(MessagingErrorCode code, FirebaseMessagingException e, String token) {
        String reason = code + ": " + oneLine(e.getMessage());
        return switch (code) {
            case UNREGISTERED, SENDER_ID_MISMATCH -> SendOutcome.AddressInvalid.of(reason);
            case INVALID_ARGUMENT -> invalidArgument(reason, e);
            case QUOTA_EXCEEDED -> quotaExceeded(reason, e, token);
            case UNAVAILABLE, INTERNAL -> new SendOutcome.Retry(reason, retryAfter(e).orElse(Duration.ZERO));
            case THIRD_PARTY_AUTH_ERROR -> credentialRejected(reason);
        };
    }

    private SendOutcome fromPlatformCode(FirebaseMessagingException e, String token) {
        ErrorCode code = e.getErrorCode();
        String reason = code + ": " + oneLine(e.getMessage()) + (e.getHttpResponse() == null ? rootCause(e) : "");
        return switch (code) {
            case UNAUTHENTICATED, PERMISSION_DENIED -> credentialRejected(reason);
            // FCM reports a dead token with an UNREGISTERED detail; a bare 404 means the project id is wrong.
            case NOT_FOUND -> credentialRejected(reason + " (is the project id right?)");
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> invalidArgument(reason, e);
            case RESOURCE_EXHAUSTED -> quotaExceeded(reason, e, token);
            case UNKNOWN, UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED, ABORTED, CANCELLED, CONFLICT, ALREADY_EXISTS,
                 DATA_LOSS -> oauthRefused(e).map(this::credentialRejected)
                    .orElseGet(() -> new SendOutcome.Retry(reason, retryAfter(e).orElse(Duration.ZERO)));
        };
    }

    private SendOutcome invalidArgument(String reason, FirebaseMessagingException e) {
        return aboutToken(e) ? SendOutcome.AddressInvalid.of(reason) : new SendOutcome.Failed(reason);
    }

    private SendOutcome quotaExceeded(String reason, FirebaseMessagingException e, String token) {
        Duration wait = retryAfter(e).orElse(QUOTA_DEFAULT_WAIT);
        if (quotaBursts.refusedAndIsBurst(token)) {
            return new SendOutcome.Throttled(wait, "project quota exceeded: " + quotaBursts.distinctTokens()
                    + " tokens refused within " + quotaBursts.window().toSeconds() + "s; " + reason);
        }
        // One token over quota is that device's limit; only a burst across tokens says the project is throttled.
        return SendOutcome.Retry.forRecipient(reason, wait);
    }

    private SendOutcome credentialRejected(String reason) {
        return new SendOutcome.Throttled(CREDENTIAL_PAUSE, "credential rejected: " + reason);
    }

    /** The OAuth token exchange itself was refused for good (revoked key, deleted account: invalid_grant). */
    private static Optional<String> oauthRefused(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof Retryable r && c instanceof IOException && !r.isRetryable()) {
                return Optional.of("OAuth token refused: " + oneLine(String.valueOf(c.getMessage())));
            }
        }
        return Optional.empty();
    }

    private boolean aboutToken(FirebaseMessagingException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("registration token") || fieldViolations(e).contains("message.token");
    }

    /** The fields named in the error's {@code google.rpc.BadRequest} details, if any. */
    private List<String> fieldViolations(FirebaseMessagingException e) {
        IncomingHttpResponse response = e.getHttpResponse();
        if (response == null || response.getContent() == null) {
            return List.of();
        }
        try {
            GenericJson body = json.createJsonParser(response.getContent()).parseAndClose(GenericJson.class);
            if (!(body.get("error") instanceof Map<?, ?> error) || !(error.get("details") instanceof List<?> details)) {
                return List.of();
            }
            List<String> fields = new ArrayList<>();
            for (Object d : details) {
                if (d instanceof Map<?, ?> detail && BAD_REQUEST_TYPE.equals(detail.get("@type"))
                        && detail.get("fieldViolations") instanceof List<?> violations) {
                    for (Object v : violations) {
                        if (v instanceof Map<?, ?> violation && violation.get("field") instanceof String field) {
                            fields.add(field);
                        }
                    }
                }
            }
            return fields;
        } catch (IOException | RuntimeException notJson) {
            return List.of();
        }
    }

    /** {@code Retry-After} of the HTTP answer, as delay-seconds or an HTTP-date; capped at a day. */
    private Optional<Duration> retryAfter(FirebaseMessagingException e) {
        IncomingHttpResponse response = e.getHttpResponse();
        if (response == null) {
            return Optional.empty();
        }
        return response.getHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("retry-after"))
                .map(h -> h.getValue() instanceof List<?> values && !values.isEmpty() ? values.get(0) : h.getValue())
                .map(String::valueOf)
                .findFirst()
                .flatMap(this::parseRetryAfter);
    }

    Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(atMostADay(Duration.ofSeconds(seconds)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : atMostADay(d));
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Duration atMostADay(Duration d) {
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    /** The I/O error underneath the SDK's generic wording, e.g. " (ConnectException: Connection refused)". */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + oneLine(root.getMessage()) + ")";
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static String oneLine(String s) {
        String flat = String.valueOf(s).replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
