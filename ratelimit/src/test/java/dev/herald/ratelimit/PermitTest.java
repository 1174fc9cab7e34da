package dev.herald.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

final class PermitTest {
    private static final Policy HOURLY = Policy.perHour("hourly", 1000);
    private static final Policy BURST = Policy.perSecond("burst", 5);

    @Test
    void namesThePolicyWithTheSmallestShareLeftAsClosestToExhaustion() {
        var granted = new Permit.Granted(List.of(PolicyState.of(HOURLY, 300), PolicyState.of(BURST, 1)));
        var hourlyLower = new Permit.Granted(List.of(PolicyState.of(HOURLY, 100), PolicyState.of(BURST, 4)));

        assertEquals(BURST, granted.closestToExhaustion().policy());
        assertEquals(HOURLY, hourlyLower.closestToExhaustion().policy());
    }

    @Test
    void breaksAClosestToExhaustionTieWithTheFirstPolicy() {
        var full = new Permit.Granted(List.of(PolicyState.of(HOURLY, 1000), PolicyState.of(BURST, 5)));

        assertEquals(HOURLY, full.closestToExhaustion().policy());
    }

    @Test
    void roundsRetryAfterUpToWholeSecondsAndAtLeastOne() {
        List<PolicyState> states = List.of(PolicyState.of(BURST, 0));

        assertEquals(1, new Permit.Denied(Duration.ofMillis(1), BURST, states).retryAfterSeconds());
        assertEquals(1, new Permit.Denied(Duration.ZERO, BURST, states).retryAfterSeconds());
        assertEquals(3, new Permit.Denied(Duration.ofMillis(2001), BURST, states).retryAfterSeconds());
        assertEquals(2, new Permit.Denied(Duration.ofSeconds(2), BURST, states).retryAfterSeconds());
    }

    @Test
    void rejectsADenialWhoseViolatedPolicyIsNotAmongTheStates() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Permit.Denied(Duration.ofSeconds(1), HOURLY, List.of(PolicyState.of(BURST, 0))));

        assertEquals("violated policy hourly is not among the states", e.getMessage());
    }
}
