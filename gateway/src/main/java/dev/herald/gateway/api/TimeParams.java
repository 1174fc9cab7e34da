package dev.herald.gateway.api;

import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Times in Herald's own query parameters and bodies: an ISO-8601 instant with an offset
 * ({@code 2026-12-06T15:00:00Z}) or a UTC date ({@code 2026-12-06}); a date that starts a range means its first
 * instant, one that ends a range the first instant after it (so {@code to=2026-12-06} includes that whole day).
 * Anything else, or a time outside 1970..9999, is a 400 naming the parameter.
 */
final class TimeParams {
    private TimeParams() {
    }

    /** {@code raw} as the start of a range. */
    static Instant start(String raw, String name) {
        return parse(raw, name, false);
    }

    /** {@code raw} as the (exclusive) end of a range. */
    static Instant end(String raw, String name) {
        return parse(raw, name, true);
    }

    private static Instant parse(String raw, String name, boolean end) {
        String s = raw.trim();
        try {
            return Lenient.inRange(OffsetDateTime.parse(s).toInstant(), name, raw);
        } catch (DateTimeParseException notInstant) {
            try {
                LocalDate day = LocalDate.parse(s);
                return Lenient.inRange((end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant(), name,
                        raw);
            } catch (java.time.DateTimeException notDate) {
                throw ApiException.badRequest(name + " must be an ISO-8601 time such as 2026-12-06T15:00:00Z or a "
                        + "date such as 2026-12-06, was " + raw);
            }
        }
    }
}
