package dev.herald.gateway.users;

import dev.herald.gateway.http.Lenient;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the times Braze accepts for events and purchases: ISO-8601 with or without an offset (UTC
 * assumed), a date alone, {@code yyyy-MM-dd'T'HH:mm:ss:SSSZ}, and loose offsets such as {@code +1:00} that
 * Braze's own examples use.
 */
final class BrazeTime {
    private static final Pattern LOOSE_OFFSET = Pattern.compile("([+-])(\\d):?(\\d\\d)$");
    private static final Pattern COLON_MILLIS = Pattern.compile("(T\\d\\d:\\d\\d:\\d\\d):(\\d{3})");
    private static final DateTimeFormatter OFFSET_NO_COLON = DateTimeFormatter.ofPattern(
            "yyyy-MM-dd'T'HH:mm:ss[.SSS]xx");

    private BrazeTime() {
    }

    /** The time {@code text} names, if Braze accepts its form and it lies between 1970 and 9999. */
    static Optional<Instant> parse(String text) {
        return parseAnyYear(text).filter(Lenient::inRange);
    }

    private static Optional<Instant> parseAnyYear(String text) {
        String t = text.trim();
        Matcher millis = COLON_MILLIS.matcher(t);
        if (millis.find()) {
            t = millis.replaceFirst("$1.$2");
        }
        Matcher loose = LOOSE_OFFSET.matcher(t);
        if (loose.find() && t.contains("T")) {
            t = t.substring(0, loose.start()) + loose.group(1) + "0" + loose.group(2) + ":" + loose.group(3);
        }
        try {
            return Optional.of(OffsetDateTime.parse(t).toInstant());
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return Optional.of(OffsetDateTime.parse(t, OFFSET_NO_COLON).toInstant());
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return Optional.of(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            return Optional.empty();
        }
    }
}
