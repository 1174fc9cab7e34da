package dev.herald.loadtest;

import java.util.concurrent.atomic.AtomicLong;

/** A sink that counts what it accepted and remembers when the last arrived; subclasses call {@link #count()}. */
abstract class CountingSink implements DeliverySink, AutoCloseable {
    private final AtomicLong accepted = new AtomicLong();
    private volatile long lastAcceptedNanos;

    /** Records one accepted delivery, now. */
    protected final void count() {
        lastAcceptedNanos = System.nanoTime();
        accepted.incrementAndGet();
    }

    @Override
    public final long accepted() {
        return accepted.get();
    }

    @Override
    public final long lastAcceptedNanos() {
        return lastAcceptedNanos;
    }

    @Override
    public abstract void close();
}
