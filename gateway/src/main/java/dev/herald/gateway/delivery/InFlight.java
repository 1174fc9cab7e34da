package dev.herald.gateway.delivery;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The attempts running now: how many, which deliveries, and a wait until none is. Thread-safe. */
final class InFlight {
    private final AtomicInteger count = new AtomicInteger();
    private final Set<UUID> deliveries = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();

    void begin(UUID delivery) {
        count.incrementAndGet();
        deliveries.add(delivery);
    }

    void end(UUID delivery) {
        deliveries.remove(delivery);
        if (count.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    int count() {
        return count.get();
    }

    AtomicInteger counter() {
        return count;
    }

    boolean contains(UUID delivery) {
        return deliveries.contains(delivery);
    }

    /** Waits until no attempt runs; false if {@code timeout} passed first. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (count.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }
}
