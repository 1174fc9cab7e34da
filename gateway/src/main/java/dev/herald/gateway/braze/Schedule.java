package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.model.ScheduleSpec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Braze's schedule object (braze-api.md §5.1): {@code time} in UTC, or with {@code in_local_time} (and
 * {@code at_optimal_time}, which Herald treats the same) a wall time with no zone, sent in each user's
 * {@code time_zone}. A time that has passed (everywhere, for local time) is a 400, as at Braze.
 *
 * @param notBefore when the dispatch is expanded: the time itself, or for local time the moment it first
 *                  occurs anywhere (UTC+14)
 * @param spec      the schedule kept with the dispatch
 */
public record Schedule(Instant notBefore, ScheduleSpec spec) {
    private static final ZoneOffset EARLIEST = ZoneOffset.ofHours(14);
    private static final ZoneOffset LATEST = ZoneOffset.ofHours(-12);

    /** The schedule object of a request, at {@code now}. */
    public static Schedule parse(JsonNode schedule, Instant now) {
        if (schedule == null || !schedule.isObject()) {
            throw ApiException.badRequest("schedule is required: an object with time (ISO 8601)");
        }
        String time = Lenient.requiredString(schedule, "time", "schedule.time").trim();
        boolean local = Lenient.bool(schedule, "in_local_time", false) || Lenient.bool(schedule, "at_optimal_time", false);
        if (local) {
            LocalDateTime wall = wallTime(time);
            if (!wall.atOffset(LATEST).toInstant().isAfter(now)) {
                throw ApiException.badRequest("Bad Request: in_local_time is true but schedule.time " + time
                        + " has passed in every time zone");
            }
            Instant first = wall.atOffset(EARLIEST).toInstant();
            return new Schedule(first.isAfter(now) ? first : now, new ScheduleSpec(wall.toString(), true));
        }
        Instant at = instant(time);
        if (!at.isAfter(now)) {
            throw ApiException.badRequest("Bad Request: schedule.time " + time + " has passed");
        }
        return new Schedule(at, new ScheduleSpec(at.toString(), false));
    }

    private static LocalDateTime wallTime(String time) {
        try {
            return Lenient.inRange(LocalDateTime.parse(time), "schedule.time", time);
        } catch (DateTimeParseException e) {
            try {
                // a zone given with local time is ignored
                return Lenient.inRange(OffsetDateTime.parse(time).toLocalDateTime(), "schedule.time", time);
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest("Bad Request: cannot parse schedule.time " + time);
            }
        }
    }

    private static Instant instant(String time) {
        try {
            return Lenient.inRange(OffsetDateTime.parse(time).toInstant(), "schedule.time", time);
        } catch (DateTimeParseException e) {
            try {
                return Lenient.inRange(LocalDateTime.parse(time).toInstant(ZoneOffset.UTC), "schedule.time", time);
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest("Bad Request: cannot parse schedule.time " + time);
            }
        }
    }
}
