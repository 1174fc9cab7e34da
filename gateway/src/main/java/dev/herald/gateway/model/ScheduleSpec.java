package dev.herald.gateway.model;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * When a scheduled dispatch is sent: {@code time} as an instant (UTC), or with {@code inLocalTime} a wall time
 * without a zone that each recipient gets in their own {@code time_zone}.
 *
 * @param time an ISO-8601 instant, or with {@code inLocalTime} an ISO local date-time
 */
public record ScheduleSpec(String time, boolean inLocalTime) {
    public ScheduleSpec {
        Objects.requireNonNull(time, "time");
    }

    /**
     * When a recipient in {@code zone} is due: the wall time in their zone for a local-time schedule.
     *
     * @throws DateTimeException if the stored time does not parse
     */
    public Instant localTimeIn(ZoneId zone) {
        return LocalDateTime.parse(time).atZone(zone).toInstant();
    }
}
