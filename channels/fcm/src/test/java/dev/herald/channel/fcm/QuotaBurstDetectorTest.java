package dev.herald.channel.fcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

final class QuotaBurstDetectorTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final QuotaBurstDetector detector = new QuotaBurstDetector(3, Duration.ofSeconds(10), clock);

    @Test
    void distinctTokensWithinTheWindowMakeABurst() {
        assertFalse(detector.refusedAndIsBurst("a"));
        assertFalse(detector.refusedAndIsBurst("b"));
        assertTrue(detector.refusedAndIsBurst("c"));
    }

    @Test
    void oneTokenRefusedAgainAndAgainIsNoBurst() {
        for (int i = 0; i < 20; i++) {
            assertFalse(detector.refusedAndIsBurst("hot"));
        }
        assertFalse(detector.refusedAndIsBurst("other"));
    }

    @Test
    void refusalsOlderThanTheWindowNoLongerCount() {
        detector.refusedAndIsBurst("a");
        detector.refusedAndIsBurst("b");
        clock.advance(Duration.ofSeconds(10));
        assertFalse(detector.refusedAndIsBurst("c"), "a and b are out of the window");
        assertFalse(detector.refusedAndIsBurst("d"));
        assertTrue(detector.refusedAndIsBurst("e"));
    }

    @Test
    void aReportedBurstStartsTheWindowAfresh() {
        detector.refusedAndIsBurst("a");
        detector.refusedAndIsBurst("b");
        assertTrue(detector.refusedAndIsBurst("c"));
        assertFalse(detector.refusedAndIsBurst("d"), "one burst, one Throttled");
    }

    @Test
    void refusesNonsenseSettings() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new QuotaBurstDetector(0, Duration.ofSeconds(1), clock));
        assertEquals("distinctTokens must be at least 1, was 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new QuotaBurstDetector(1, Duration.ZERO, clock));
    }
}
