package dev.herald.gateway.api;

import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.store.ModifiedWindow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The query of Braze's template and Content Block lists: {@code modified_after}, {@code modified_before} (ISO 8601;
 * Braze's own examples give no offset, read as UTC), {@code limit} (1 to 1000, default 100) and {@code offset}.
 * Errors use Braze's messages for Content Blocks (the template list documents none of its own).
 */
final class ListWindows {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private ListWindows() {
    }

    /** The window a list request asks for. */
    static ModifiedWindow of(ApiRequest request, String noun) {
        Optional<Instant> after = request.queryParam("modified_after").filter(s -> !s.isBlank())
                .map(s -> time(s, "Modified after time is invalid"));
        Optional<Instant> before = request.queryParam("modified_before").filter(s -> !s.isBlank())
                .map(s -> time(s, "Modified before time is invalid"));
        if (after.isPresent() && before.isPresent() && after.get().isAfter(before.get())) {
            throw ApiException.badRequest("Modified after time must be earlier than or the same as modified before "
                    + "time.");
        }
        int limit = request.queryParam("limit").map(s -> number(s, noun + " number limit is invalid"))
                .orElse(DEFAULT_LIMIT);
        if (limit <= 0) {
            throw ApiException.badRequest(noun + " number limit must be greater than 0");
        }
        if (limit > MAX_LIMIT) {
            throw ApiException.badRequest(noun + " number limit exceeds maximum of " + MAX_LIMIT);
        }
        int offset = request.queryParam("offset").map(s -> number(s, "Offset is invalid")).orElse(0);
        if (offset < 0) {
            throw ApiException.badRequest("Offset must be greater than 0");
        }
        return new ModifiedWindow(after, before, limit, offset);
    }

    private static int number(String raw, String invalid) {
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(invalid + ": " + raw);
        }
    }

    /** An ISO 8601 time between 1970 and 9999: with an offset, or without one (UTC), or a date (its start, UTC). */
    static Instant time(String raw, String invalid) {
        Instant t = parse(raw, invalid);
        if (!Lenient.inRange(t)) {
            throw ApiException.badRequest(invalid + ": " + raw + " (give a time from 1970 to 9999)");
        }
        return t;
    }

    private static Instant parse(String raw, String invalid) {
        String s = raw.trim();
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(invalid + ": " + raw);
        }
    }
}
