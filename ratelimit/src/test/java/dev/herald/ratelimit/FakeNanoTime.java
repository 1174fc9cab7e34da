package dev.herald.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond source that moves only when told, like Caffeine's {@code FakeTicker}. */
final class FakeNanoTime implements LongSupplier {
    /** An arbitrary origin far from zero, as {@code System.nanoTime()} has. */
    private final AtomicLong nanos = new AtomicLong(7_000_000_000_000L);

    @Override
    public long getAsLong() {
        return nanos.get();
    }

    FakeNanoTime advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        return this;
    }
}
