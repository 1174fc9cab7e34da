package dev.herald.channel.smtp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A fixed number of {@link PooledTransport}s to one relay, each lent to one send at a time. This bounds the
 * connections and concurrent sends per relay to the pool size. A borrower that finds every transport in use
 * gets a future completed when one comes back, so waiting never holds a thread. The most recently returned
 * transport is lent first, so light traffic keeps reusing one warm connection and opens no others.
 */
final class TransportPool {
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<PooledTransport> idle = new ArrayDeque<>();
    private final Deque<CompletableFuture<PooledTransport>> waiting = new ArrayDeque<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private int lent;
    private boolean closed;

    TransportPool(int size, Supplier<PooledTransport> places) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be positive, was " + size);
        }
        for (int i = 0; i < size; i++) {
            idle.add(places.get());
        }
    }

    /** A transport for one send; fails with {@link IllegalStateException} once the pool is closed. */
    CompletableFuture<PooledTransport> borrow() {
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("SMTP sender is closed"));
            }
            PooledTransport free = idle.pollFirst();
            if (free != null) {
                lent++;
                return CompletableFuture.completedFuture(free);
            }
            CompletableFuture<PooledTransport> turn = new CompletableFuture<>();
            waiting.addLast(turn);
            return turn;
        } finally {
            lock.unlock();
        }
    }

    /** Returns a borrowed transport: to the next waiting send, else to the idle set, else (closed) shut. */
    void release(PooledTransport transport) {
        while (true) {
            CompletableFuture<PooledTransport> next = handOver(transport);
            if (next == null) {
                return;
            }
            // Completed outside the lock: the waiter's continuation runs here.
            if (next.complete(transport)) {
                return;
            }
        }
    }

    private @Nullable CompletableFuture<PooledTransport> handOver(PooledTransport transport) {
        boolean shut = false;
        boolean nowDrained = false;
        lock.lock();
        try {
            if (closed) {
                lent--;
                shut = true;
                nowDrained = lent == 0;
            } else {
                CompletableFuture<PooledTransport> next = waiting.pollFirst();
                if (next != null) {
                    return next;
                }
                lent--;
                idle.addFirst(transport);
            }
        } finally {
            lock.unlock();
        }
        if (shut) {
            transport.discard();
        }
        if (nowDrained) {
            drained.complete(null);
        }
        return null;
    }

    /**
     * Stops lending: waiting sends fail with {@link IllegalStateException}, idle transports are closed now
     * and lent ones when they come back. The returned future completes once every transport is closed.
     */
    CompletableFuture<Void> close() {
        List<PooledTransport> toClose;
        List<CompletableFuture<PooledTransport>> toFail;
        boolean nowDrained;
        lock.lock();
        try {
            if (closed) {
                return drained;
            }
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
            toFail = new ArrayList<>(waiting);
            waiting.clear();
            nowDrained = lent == 0;
        } finally {
            lock.unlock();
        }
        toFail.forEach(w -> w.completeExceptionally(new IllegalStateException("SMTP sender closed while waiting")));
        toClose.forEach(PooledTransport::discard);
        if (nowDrained) {
            drained.complete(null);
        }
        return drained;
    }
}
