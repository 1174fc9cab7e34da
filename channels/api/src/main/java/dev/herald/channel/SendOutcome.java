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
 * <p>Only {@link AddressInvalid}, {@link Throttled} and a {@link Failed} whose cause is
 * {@link Failed.Cause#RECIPIENT_OPTED_OUT} change state beyond the one delivery: the first marks the address dead
 * in the user directory, the second pauses the whole credential or host, the third unsubscribes the recipient.
 * Adapters say which with types, never with words: a consumer must not parse a {@code reason}.
 *
 * <p>An adapter answers {@code Failed} ({@link Failed.Cause#MESSAGE}, the {@link Failed#Failed(String)} default)
 * when this message can never be sent, and {@link Failed#optedOut(String)} when the provider refuses because the
 * recipient opted out there (Twilio error 21610 after a STOP reply).
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

    /**
     * A permanent failure: never retried. {@link #cause} says what failed, so consumers act on it without reading
     * the provider's words in {@code reason}.
     *
     * @param reason the provider's words, for logs and the status API
     * @param cause  why the message cannot be sent
     */
    record Failed(String reason, Cause cause) implements SendOutcome {
        /** Why a message failed for good. */
        public enum Cause {
            /** This message can never be sent: its content, its topic or the request itself was refused. */
            MESSAGE,
            /**
             * The recipient opted out at the provider (e.g. replied STOP to an SMS): the provider refuses every
             * message to them until they opt in again, so the gateway unsubscribes them.
             */
            RECIPIENT_OPTED_OUT
        }

        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(cause, "cause");
        }

        /** A failure of this message ({@link Cause#MESSAGE}). */
        public Failed(String reason) {
            this(reason, Cause.MESSAGE);
        }

        /** The recipient opted out at the provider ({@link Cause#RECIPIENT_OPTED_OUT}). */
        public static Failed optedOut(String reason) {
            return new Failed(reason, Cause.RECIPIENT_OPTED_OUT);
        }

        @Override
        public String describe() {
            return switch (cause) {
                case MESSAGE -> "failed: " + reason;
                case RECIPIENT_OPTED_OUT -> "failed, recipient opted out: " + reason;
            };
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
