package dev.herald.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The provider's answer to one delivery attempt. Never null, never thrown: every answer a provider can
 * give is one of these values, and consumers switch over them without a {@code default} branch so a new
 * case is a compile error wherever it is not handled.
 *
 * <p>Only {@link AddressInvalid} and {@link Throttled} change state beyond the one delivery: the first
 * marks the address dead in the user directory, the second pauses the whole credential or host.
 */
public sealed interface SendOutcome {

    /** A short human-readable description for logs and the status API. */
    String describe();

    /**
     * The provider took the message.
     *
     * @param providerMessageId the provider's id for it (APNs apns-id, Twilio SID, ...), if it gave one
     * @param finalHop          true when acceptance is evidence of delivery (a webhook target's 2xx, an
     *                          SMTP relay configured as the final hop); false when it only means "sent"
     */
    record Accepted(Optional<String> providerMessageId, boolean finalHop) implements SendOutcome {
        public Accepted {
            Objects.requireNonNull(providerMessageId, "providerMessageId");
        }

        /** Accepted with an id. */
        public static Accepted withId(String providerMessageId, boolean finalHop) {
            return new Accepted(Optional.of(providerMessageId), finalHop);
        }

        @Override
        public String describe() {
            return finalHop ? "delivered" : "sent";
        }
    }

    /**
     * A transient failure: try this delivery again.
     *
     * @param reason what went wrong, e.g. {@code HTTP 503 Service Unavailable}
     * @param after  the provider's requested delay ({@code Retry-After}); {@link Duration#ZERO} lets the
     *               retry policy decide
     * @param scope  whether the provider or only this recipient is in trouble; only the first counts against
     *               the provider's circuit breaker
     */
    record Retry(String reason, Duration after, Scope scope) implements SendOutcome {
        /** Who a retry is about. */
        public enum Scope {
            /** The provider or the connection failed (5xx, timeouts, connection errors). */
            PROVIDER,
            /** Only this address is throttled (APNs TooManyRequests for one device, a per-device quota). */
            RECIPIENT
        }

        public Retry {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(scope, "scope");
            if (after.isNegative()) {
                throw new IllegalArgumentException("after must not be negative, was " + after);
            }
        }

        /** A retry because the provider failed. */
        public Retry(String reason, Duration after) {
            this(reason, after, Scope.PROVIDER);
        }

        /** A retry because the provider failed, whose delay the policy chooses. */
        public static Retry of(String reason) {
            return new Retry(reason, Duration.ZERO);
        }

        /** A retry because only this recipient is throttled; the provider is healthy. */
        public static Retry forRecipient(String reason, Duration after) {
            return new Retry(reason, after, Scope.RECIPIENT);
        }

        @Override
        public String describe() {
            return "retry: " + reason;
        }
    }

    /** A permanent failure of this message: never retried. */
    record Failed(String reason) implements SendOutcome {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return "failed: " + reason;
        }
    }

    /**
     * The address is dead (push token unregistered, mailbox does not exist, number invalid): the delivery
     * ends {@code bounced} and the directory marks the address so later sends skip it.
     *
     * @param reason the provider's words
     * @param since  when the provider says the address stopped being valid (APNs 410 timestamp), if known;
     *               an address re-registered after this instant stays valid
     */
    record AddressInvalid(String reason, Optional<Instant> since) implements SendOutcome {
        public AddressInvalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(since, "since");
        }

        /** Invalid with no timestamp. */
        public static AddressInvalid of(String reason) {
            return new AddressInvalid(reason, Optional.empty());
        }

        @Override
        public String describe() {
            return "address invalid: " + reason;
        }
    }

    /**
     * The provider asks the whole credential or host to slow down, or refuses the credential itself:
     * this delivery is retried, and the scheduler pauses every delivery on the same egress key for
     * {@code retryAfter}.
     */
    record Throttled(Duration retryAfter, String reason) implements SendOutcome {
        public Throttled {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(reason, "reason");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
            }
        }

        @Override
        public String describe() {
            return "throttled for " + retryAfter + ": " + reason;
        }
    }
}
