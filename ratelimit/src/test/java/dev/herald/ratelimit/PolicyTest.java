package dev.herald.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

final class PolicyTest {

    @Test
    void rejectsANameTheHeadersCouldNotCarry() {
        var e = assertThrows(IllegalArgumentException.class, () -> Policy.perHour("two words", 10));

        assertEquals("name must be 1-64 letters, digits, '_', '.', ':' or '-', was \"two words\"", e.getMessage());
    }

    @Test
    void rejectsANonPositiveCapacityOrPeriod() {
        var capacity = assertThrows(IllegalArgumentException.class, () -> Policy.perSecond("burst", 0));
        var period = assertThrows(IllegalArgumentException.class, () -> new Policy("burst", 1, Duration.ZERO));

        assertEquals("capacity must be positive, was 0", capacity.getMessage());
        assertEquals("period must be positive and at most 366 days, was PT0S", period.getMessage());
    }

    @Test
    void rejectsALimitWithoutPoliciesOrWithARepeatedName() {
        var empty = assertThrows(IllegalArgumentException.class, () -> new Limit(List.of()));
        var repeated = assertThrows(IllegalArgumentException.class,
                () -> Limit.of(Policy.perHour("hourly", 10), Policy.perSecond("hourly", 1)));

        assertEquals("policies must not be empty", empty.getMessage());
        assertEquals("policy names must be distinct, \"hourly\" repeats", repeated.getMessage());
    }

    @Test
    void dividesEachCapacityAmongNodesKeepingAtLeastOneToken() {
        Limit limit = Limit.of(Policy.perHour("hourly", 250_000), Policy.perSecond("burst", 3));

        assertEquals(Limit.of(Policy.perHour("hourly", 62_500), Policy.perSecond("burst", 1)), limit.dividedBy(4));
        assertEquals(Duration.ofHours(1), limit.longestPeriod());
    }

    @Test
    void computesTheResetTimeRoundedUpToTheNanosecond() {
        assertEquals(Duration.ofMillis(3600), PolicyState.of(Policy.perHour("hourly", 1000), 999).resetAfter());
        assertEquals(Duration.ofNanos(333_333_334), PolicyState.of(Policy.perSecond("burst", 3), 2).resetAfter());
        assertEquals(Duration.ZERO, PolicyState.of(Policy.perSecond("burst", 3), 3).resetAfter());
        // (C − a) × P overflows a long here: the exact path is taken.
        Policy huge = new Policy("yearly", 4_000_000_000L, Duration.ofDays(365));
        assertEquals(Duration.ofDays(365), PolicyState.of(huge, 0).resetAfter());
    }
}
