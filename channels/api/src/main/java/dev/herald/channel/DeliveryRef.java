package dev.herald.channel;

import java.util.Objects;
import java.util.UUID;

/**
 * Which delivery an attempt belongs to.
 *
 * @param id      the delivery's id: stable across attempts and restarts, handed to providers that take an
 *                idempotency id (APNs {@code apns-id}, webhook {@code webhook-id}, SMTP {@code Message-ID}) so a
 *                receiver can drop the duplicates a crash mid-send can cause
 * @param attempt 1 for the first attempt, 2 for the first retry, ...
 */
public record DeliveryRef(UUID id, int attempt) {
    public DeliveryRef {
        Objects.requireNonNull(id, "id");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
        }
    }
}
