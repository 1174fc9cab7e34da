package dev.herald.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.sms.SingleAttemptHttpClient.Answer;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class TwilioOutcomesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void retryAfterIsReadAsSecondsAndCappedAtAnHour() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), TwilioOutcomes.retryAfter(" 30 ", CLOCK));
        assertEquals(Optional.of(Duration.ofHours(1)), TwilioOutcomes.retryAfter("86400", CLOCK));
        assertEquals(Optional.empty(), TwilioOutcomes.retryAfter("-1", CLOCK));
        assertEquals(Optional.empty(), TwilioOutcomes.retryAfter("soon", CLOCK));
    }

    @Test
    void aRetryAfterHttpDateIsMeasuredAgainstTheClock() {
        assertEquals(Optional.of(Duration.ofSeconds(90)),
                TwilioOutcomes.retryAfter("Mon, 23 Nov 2026 10:01:30 GMT", CLOCK));
        assertEquals(Optional.of(Duration.ZERO), TwilioOutcomes.retryAfter("Mon, 23 Nov 2026 09:59:00 GMT", CLOCK));
        assertEquals(Optional.of(Duration.ofHours(1)),
                TwilioOutcomes.retryAfter("Tue, 24 Nov 2026 10:00:00 GMT", CLOCK));
    }

    @Test
    void anSdkErrorWithoutAnyHttpAnswerIsRetriedWithItsCause() {
        var timeout = new ApiException("Read timed out", new SocketTimeoutException("Read timed out"));
        var retry = assertInstanceOf(SendOutcome.Retry.class,
                TwilioOutcomes.fromException(timeout, Optional.empty(), CLOCK));
        assertEquals("timed out: Read timed out", retry.reason());
        var noResponse = new ApiConnectionException("Message creation failed: Unable to connect to server");
        assertInstanceOf(SendOutcome.Retry.class, TwilioOutcomes.fromException(noResponse, Optional.empty(), CLOCK));
    }

    @Test
    void theStatusInTheErrorBodyIsUsedWhenNoAnswerWasRecorded() {
        var outcome = TwilioOutcomes.fromException(new ApiException("Server Error, no content", 401), Optional.empty(),
                CLOCK);
        assertInstanceOf(SendOutcome.Throttled.class, outcome, outcome.describe());
    }

    @Test
    void theRealHttpStatusWinsOverTheErrorBody() {
        var saysBadRequest = new ApiException("Server Error, no content", 400);
        var outcome = TwilioOutcomes.fromException(saysBadRequest, Optional.of(new Answer(503, Optional.of("2"))),
                CLOCK);
        var retry = assertInstanceOf(SendOutcome.Retry.class, outcome, outcome.describe());
        assertEquals(Duration.ofSeconds(2), retry.after());
        assertTrue(retry.reason().startsWith("HTTP 503"), retry.reason());
    }
}
