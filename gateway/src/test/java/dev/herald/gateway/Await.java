package dev.herald.gateway;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition the asynchronous pipeline will reach; the deadline only bounds the test. */
final class Await {
    private Await() {
    }

    static void until(BooleanSupplier condition, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached within " + deadline);
            }
            Thread.sleep(10);
        }
    }
}
