package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of an address list ({@code /email/unsubscribes}, {@code /email/hard_bounces},
 * {@code /sms/invalid_phone_numbers}): the address, when it joined the list and, for phone numbers, Braze's reason.
 */
public record Listed(String address, Instant at, String reason) {
    public Listed {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
    }
}
