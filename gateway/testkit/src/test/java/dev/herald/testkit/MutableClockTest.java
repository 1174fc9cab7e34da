package dev.herald.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

final class MutableClockTest {

    @Test
    void movesOnlyWhenTheTestMovesIt() {
        var start = Instant.parse("2026-11-23T10:00:00Z");
        var clock = new MutableClock(start);
        assertEquals(start, clock.instant());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(start.plusSeconds(300), clock.instant());
        clock.set(start);
        assertEquals(start, clock.instant());
        assertEquals(ZoneOffset.UTC, clock.getZone());
    }
}
