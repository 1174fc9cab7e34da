package dev.herald.gateway.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open connections of one listener, bounded: each file descriptor a flood of connections holds is one the store,
 * the senders and the ops port cannot have, so connections beyond the limit are rejected (and counted) instead.
 * Shared by the listener's event loops.
 */
final class ConnectionCount {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();

    ConnectionCount(int max) {
        this.max = max;
    }

    /** Counts a new connection in; false (and counted as rejected) when the limit is reached. */
    boolean tryOpen() {
        if (open.incrementAndGet() <= max) {
            return true;
        }
        open.decrementAndGet();
        rejected.incrementAndGet();
        return false;
    }

    /** A connection counted in by {@link #tryOpen()} has closed. */
    void closed() {
        open.decrementAndGet();
    }

    int open() {
        return open.get();
    }

    long rejected() {
        return rejected.get();
    }
}
