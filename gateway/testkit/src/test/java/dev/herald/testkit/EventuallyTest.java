package dev.herald.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class EventuallyTest {

    @Test
    void returnsTheFirstValueThatSatisfiesTheCondition() {
        var probes = new AtomicInteger();
        int value = Eventually.await(Duration.ofSeconds(10), probes::incrementAndGet, n -> n >= 3);
        assertEquals(3, value);
        assertEquals(3, probes.get(), "no probe after the condition held");
    }

    @Test
    void failsWithTheLastValueOnceTheTimeIsUp() {
        var probes = new AtomicInteger();
        var e = assertThrows(AssertionError.class,
                () -> Eventually.await(Duration.ofMillis(50), () -> "attempt " + probes.incrementAndGet(),
                        s -> false));
        assertTrue(e.getMessage().startsWith("not reached within PT0.05S; last value: attempt "), e.getMessage());
        assertTrue(e.getMessage().endsWith("attempt " + probes.get()), e.getMessage());
        assertTrue(probes.get() > 1, "it looked more than once");
    }

    @Test
    void untilNamesWhatItWaitedFor() {
        var e = assertThrows(AssertionError.class,
                () -> Eventually.until(Duration.ofMillis(20), "the peer answers", () -> false));
        assertEquals("not reached within PT0.02S: the peer answers", e.getMessage());
    }

    @Test
    void aProbeThatThrowsEndsTheWaitAtOnce() {
        var probes = new AtomicInteger();
        var e = assertThrows(IllegalStateException.class, () -> Eventually.until(() -> {
            probes.incrementAndGet();
            throw new IllegalStateException("the child exited");
        }));
        assertEquals("the child exited", e.getMessage());
        assertEquals(1, probes.get());
    }

    @Test
    void withinReportsInsteadOfFailing() {
        var probes = new AtomicInteger();
        assertTrue(Eventually.within(Duration.ofSeconds(10), () -> probes.incrementAndGet() == 2));
        assertFalse(Eventually.within(Duration.ofMillis(20), () -> false));
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            var e = assertThrows(AssertionError.class, () -> Eventually.until(() -> false));
            assertEquals("interrupted while waiting", e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
