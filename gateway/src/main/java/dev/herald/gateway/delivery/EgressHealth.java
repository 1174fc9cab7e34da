package dev.herald.gateway.delivery;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One egress key as the governor sees it now, for the operator: read-only, taken without stopping any send.
 *
 * @param egressKey   the key ({@code webhook:workspace/host:port}, {@code smtp:user@host:port}, ...)
 * @param breaker     {@code closed}, {@code open} or {@code half_open}
 * @param pausedUntil when a paused key may send again, if it is paused now
 * @param pauseReason why it was last paused (breaker open, throttled), while it is paused
 * @param inFlight    sends of the key running now
 * @param concurrency the most it may run at once
 * @param lastError   the last answer from the provider that was not a success, if any since Herald started
 * @param lastErrorAt when that answer came
 */
public record EgressHealth(String egressKey, String breaker, Optional<Instant> pausedUntil,
                           Optional<String> pauseReason, int inFlight, int concurrency, Optional<String> lastError,
                           Optional<Instant> lastErrorAt) {
    public EgressHealth {
        Objects.requireNonNull(egressKey, "egressKey");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(pausedUntil, "pausedUntil");
        Objects.requireNonNull(pauseReason, "pauseReason");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(lastErrorAt, "lastErrorAt");
    }
}
