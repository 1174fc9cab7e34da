package dev.herald.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class RateLimitHeadersTest {
    private static final Policy HOURLY = Policy.perHour("hourly", 1000);
    private static final Policy BURST = Policy.perSecond("burst", 5);
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void formatsTheDraftHeadersPerPolicyAndTheLegacyOnesForTheClosestToExhaustion() {
        var permit = new Permit.Granted(List.of(PolicyState.of(HOURLY, 999), PolicyState.of(BURST, 4)));

        Map<String, String> headers = RateLimitHeaders.of(permit, NOW);

        assertEquals(List.of("RateLimit-Policy", "RateLimit", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                "X-RateLimit-Reset"), List.copyOf(headers.keySet()));
        assertEquals("\"hourly\";q=1000;w=3600, \"burst\";q=5;w=1", headers.get("RateLimit-Policy"));
        assertEquals("\"hourly\";r=999;t=4, \"burst\";r=4;t=1", headers.get("RateLimit"));
        assertEquals("5", headers.get("X-RateLimit-Limit"));
        assertEquals("4", headers.get("X-RateLimit-Remaining"));
        // now + 200 ms, rounded up to the next whole second
        assertEquals(Long.toString(NOW.getEpochSecond() + 1), headers.get("X-RateLimit-Reset"));
    }

    @Test
    void addsRetryAfterInWholeSecondsToADenial() {
        Policy hourly = Policy.perHour("hourly", 4);
        var permit = new Permit.Denied(Duration.ofMillis(895_001), hourly,
                List.of(PolicyState.of(hourly, 0), PolicyState.of(BURST, 4)));

        Map<String, String> headers = RateLimitHeaders.of(permit, NOW);

        assertEquals("896", headers.get("Retry-After"));
        assertEquals("\"hourly\";r=0;t=3600, \"burst\";r=4;t=1", headers.get("RateLimit"));
        assertEquals("4", headers.get("X-RateLimit-Limit"));
        assertEquals("0", headers.get("X-RateLimit-Remaining"));
        assertEquals(Long.toString(NOW.getEpochSecond() + 3600), headers.get("X-RateLimit-Reset"));
    }

    @Test
    void reportsAFullPolicyWithZeroResetAndRoundsAShortPeriodUpToOneSecond() {
        Policy halfSecond = new Policy("tick", 10, Duration.ofMillis(500));
        var permit = new Permit.Granted(List.of(PolicyState.of(halfSecond, 10)));

        Map<String, String> headers = RateLimitHeaders.of(permit, NOW.plusMillis(1));

        assertEquals("\"tick\";q=10;w=1", headers.get("RateLimit-Policy"));
        assertEquals("\"tick\";r=10;t=0", headers.get("RateLimit"));
        assertEquals(Long.toString(NOW.getEpochSecond() + 1), headers.get("X-RateLimit-Reset"));
    }
}
