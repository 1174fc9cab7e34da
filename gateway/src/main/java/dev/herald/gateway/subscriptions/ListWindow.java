package dev.herald.gateway.subscriptions;

import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.store.ListQuery;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The paging parameters Braze's list endpoints share: {@code start_date} and {@code end_date} ({@code YYYY-MM-DD},
 * UTC days; the end day is included whole), {@code limit} (default 100, at most 500), {@code offset} (entries to
 * skip) and, where offered, {@code sort_direction} ({@code asc} or {@code desc}, the default).
 */
final class ListWindow {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    private ListWindow() {
    }

    /**
     * The window a request asks for; {@code dates} says whether the range is required (it is not when the caller
     * names the addresses instead).
     */
    static ListQuery of(ApiRequest q, boolean datesRequired, String instead) {
        Optional<LocalDate> start = q.queryParam("start_date").filter(s -> !s.isBlank()).map(s -> date(s, "start_date"));
        Optional<LocalDate> end = q.queryParam("end_date").filter(s -> !s.isBlank()).map(s -> date(s, "end_date"));
        if (datesRequired && (start.isEmpty() || end.isEmpty())) {
            throw ApiException.badRequest("start_date and end_date (YYYY-MM-DD) are required unless " + instead
                    + " is given");
        }
        LocalDate from = start.orElse(LocalDate.of(1970, 1, 1));
        LocalDate to = end.orElse(LocalDate.of(9999, 12, 30));
        if (from.isAfter(to)) {
            throw ApiException.badRequest("start_date must be earlier than end_date, was " + from + " after " + to);
        }
        int limit = q.queryParam("limit").filter(s -> !s.isBlank())
                .map(raw -> ApiRequest.wholeNumber(raw, MAX_LIMIT, "limit must be a whole number from 1 to " + MAX_LIMIT))
                .orElse(DEFAULT_LIMIT);
        int offset = q.queryParam("offset").filter(s -> !s.isBlank()).map(ListWindow::offset).orElse(0);
        boolean oldestFirst = q.queryParam("sort_direction").map(s -> s.trim().toLowerCase(Locale.ROOT))
                .map(s -> switch (s) {
                    case "asc" -> true;
                    case "desc", "" -> false;
                    default -> throw ApiException.badRequest("sort_direction must be asc or desc, was " + s);
                }).orElse(false);
        return new ListQuery(from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), limit, offset, oldestFirst);
    }

    private static LocalDate date(String raw, String name) {
        try {
            LocalDate d = LocalDate.parse(raw.trim());
            if (d.getYear() < 1970 || d.getYear() > 9998) {
                throw new DateTimeParseException("out of range", raw, 0);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a date in YYYY-MM-DD format, was " + raw);
        }
    }

    /** A query's {@code offset}: 0 to 1,000,000, else a 400. */
    static int offset(String raw) {
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 0 && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest("offset must be a whole number from 0 to 1000000, was " + raw);
    }
}
