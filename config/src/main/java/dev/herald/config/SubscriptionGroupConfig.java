package dev.herald.config;

import java.util.Objects;
import java.util.Optional;

/**
 * What an SMS subscription group sends from: a number or a Messaging Service, and how fast.
 *
 * @param from                an E.164 sender number
 * @param messagingServiceSid a Twilio Messaging Service ({@code MG...}) instead of a number
 * @param messagesPerSecond   the sender's throughput; Herald holds the rest in its store
 */
public record SubscriptionGroupConfig(Optional<String> from, Optional<String> messagingServiceSid,
                                      double messagesPerSecond) {
    public SubscriptionGroupConfig {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(messagingServiceSid, "messagingServiceSid");
        if (from.isPresent() == messagingServiceSid.isPresent()) {
            throw new IllegalArgumentException("exactly one of from and messaging_service_sid is required");
        }
        if (!(messagesPerSecond > 0)) {
            throw new IllegalArgumentException("messagesPerSecond must be positive, was " + messagesPerSecond);
        }
    }

    /** The sender's identity for egress keys. */
    public String sender() {
        return from.orElseGet(messagingServiceSid::orElseThrow);
    }

    /**
     * Twilio's default throughput for a sender: short codes (5-6 digits) 100/s, US toll-free numbers 3/s,
     * long codes 1/s, Messaging Services 1/s per the slowest sender they may use.
     */
    public static double defaultRate(Optional<String> from) {
        if (from.isEmpty()) {
            return 1;
        }
        String digits = from.get().replaceAll("[^0-9]", "");
        if (digits.length() <= 6) {
            return 100;
        }
        if (digits.matches("1(800|833|844|855|866|877|888)\\d{7}")) {
            return 3;
        }
        return 1;
    }
}
