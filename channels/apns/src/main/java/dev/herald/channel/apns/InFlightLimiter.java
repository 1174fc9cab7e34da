package dev.herald.channel.apns;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the notifications outstanding at APNs without ever blocking: a start that finds no permit waits in a
 * bounded FIFO queue and runs when a permit comes back, on the thread that returned it (usually a Netty I/O thread
 * completing a reply). Pushy's wiki recommends exactly this flow control, so notifications are not enqueued faster
 * than replies arrive.
 *
 * <p>Every started task must call {@link #release()} exactly once. A trampoline ({@code drainRequests}) keeps
 * {@link #release()} from recursing when a started task completes synchronously, and closes the race between a
 * release and a concurrent enqueue. Thread-safe.
 */
final class InFlightLimiter {
    private final Semaphore permits;
    private final int maxWaiting;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicInteger drainRequests = new AtomicInteger();

    InFlightLimiter(int maxInFlight, int maxWaiting) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("maxWaiting must not be negative, was " + maxWaiting);
        }
        this.permits = new Semaphore(maxInFlight);
        this.maxWaiting = maxWaiting;
    }

    /**
     * Runs {@code start} now if a permit is free, else queues it; false (and {@code start} never runs) when the
     * queue is full.
     */
    boolean submit(Runnable start) {
        if (permits.tryAcquire()) {
            start.run();
            return true;
        }
        if (waitingCount.incrementAndGet() > maxWaiting) {
            waitingCount.decrementAndGet();
            return false;
        }
        waiting.add(start);
        drain(); // a permit may have come back between tryAcquire and add
        return true;
    }

    /** Returns a permit and starts the next waiting task, if any. */
    void release() {
        permits.release();
        drain();
    }

    /** Removes every task still waiting (they will never run) and returns them, oldest first. */
    java.util.List<Runnable> removeWaiting() {
        java.util.List<Runnable> removed = new java.util.ArrayList<>();
        Runnable next;
        while ((next = waiting.poll()) != null) {
            waitingCount.decrementAndGet();
            removed.add(next);
        }
        return removed;
    }

    /** Tasks queued and not yet started. */
    int waiting() {
        return waitingCount.get();
    }

    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return; // the thread already draining will loop once more
        }
        do {
            while (!waiting.isEmpty() && permits.tryAcquire()) {
                Runnable next = waiting.poll();
                if (next == null) {
                    permits.release();
                    continue;
                }
                waitingCount.decrementAndGet();
                next.run();
            }
        } while (drainRequests.decrementAndGet() != 0);
    }
}
