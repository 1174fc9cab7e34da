package dev.herald.loadtest;

import dev.herald.testkit.Eventually;
import java.time.Duration;
import java.util.function.LongSupplier;

/** Where an end-to-end benchmark's deliveries arrive (a mock provider, an HTTP or SMTP sink): it counts them. */
interface DeliverySink {
    /** A sink from its two counters, e.g. a mock provider's. */
    static DeliverySink of(LongSupplier accepted, LongSupplier lastAcceptedNanos) {
        return new DeliverySink() {
            @Override
            public long accepted() {
                return accepted.getAsLong();
            }

            @Override
            public long lastAcceptedNanos() {
                return lastAcceptedNanos.getAsLong();
            }
        };
    }

    /** Deliveries accepted since the start. */
    long accepted();

    /** {@link System#nanoTime()} of the last accepted delivery (0 before the first). */
    long lastAcceptedNanos();

    /** Whether {@code count} deliveries in all arrived within {@code limit}; reports, never fails. */
    default boolean awaitAccepted(long count, Duration limit) {
        return Eventually.within(limit, () -> accepted() >= count);
    }
}
