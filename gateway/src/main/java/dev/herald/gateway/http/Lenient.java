package dev.herald.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads request fields as tolerantly as Braze's own docs are written: string booleans ({@code "false"}) and
 * numeric strings are accepted; anything else of the wrong type is a 400 that names the field.
 */
public final class Lenient {
    private Lenient() {
    }

    /** A boolean, {@code defaultValue} when absent or null. */
    public static boolean bool(JsonNode parent, String field, boolean defaultValue) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual()) {
            switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    break;
            }
        }
        throw ApiException.badRequest(field + " must be a boolean (true or false)");
    }

    /** A string (a number is taken as its text); empty when absent or null. */
    public static Optional<String> string(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isTextual() || v.isNumber()) {
            return Optional.of(v.asText());
        }
        throw ApiException.badRequest(path + " must be a string");
    }

    /**
     * The most UTF-8 bytes of a user identifier (an external id, alias name or label, braze_id): ids are keys in
     * the journal and in every status answer, so a megabyte id is refused rather than stored.
     */
    public static final int MAX_IDENTIFIER_BYTES = 512;

    /** {@code value} when it can be an identifier; else a 400 naming {@code path}. */
    public static String identifier(String value, String path) {
        identifierProblem(value).ifPresent(problem -> {
            throw ApiException.badRequest(path + " " + problem);
        });
        return value;
    }

    /**
     * Why {@code value} cannot be a user identifier, if it cannot: blank, longer than
     * {@value #MAX_IDENTIFIER_BYTES} UTF-8 bytes, or not valid Unicode (an unpaired surrogate, which JSON's
     * {@code \\uD800} escapes can carry but UTF-8 cannot store, or a NUL).
     */
    public static Optional<String> identifierProblem(String value) {
        if (value.isBlank()) {
            return Optional.of("must be a non-empty string");
        }
        int bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return Optional.of("must not contain NUL characters");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("must be valid Unicode (it holds an unpaired surrogate)");
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
            if (bytes > MAX_IDENTIFIER_BYTES) {
                return Optional.of("must be at most " + MAX_IDENTIFIER_BYTES + " bytes (UTF-8)");
            }
        }
        return Optional.empty();
    }

    /** The earliest time a request may name. */
    public static final java.time.Instant EARLIEST = java.time.Instant.parse("1970-01-01T00:00:00Z");
    /** The first instant a request may not name: ISO-8601 parses years to ±999,999,999; the journal's epoch
     * milliseconds, date arithmetic and SQL dates do not, so such a time is a 400, not a 500 deep inside. */
    public static final java.time.Instant END_OF_TIME = java.time.Instant.parse("+10000-01-01T00:00:00Z");

    /** Whether a parsed time is between 1970 and the end of year 9999. */
    public static boolean inRange(java.time.Instant t) {
        return !t.isBefore(EARLIEST) && t.isBefore(END_OF_TIME);
    }

    /** {@code t} when {@link #inRange in range}; else a 400 naming {@code path} and what was given. */
    public static java.time.Instant inRange(java.time.Instant t, String path, String given) {
        if (!inRange(t)) {
            throw ApiException.badRequest(path + " must be between 1970-01-01 and 9999-12-31, was " + given);
        }
        return t;
    }

    /** A wall-clock time (no zone yet) between 1970 and 9999, with a day's margin for any zone. */
    public static java.time.LocalDateTime inRange(java.time.LocalDateTime t, String path, String given) {
        if (t.getYear() < 1970 || t.getYear() > 9998) {
            throw ApiException.badRequest(path + " must be between 1970-01-01 and 9998-12-31, was " + given);
        }
        return t;
    }

    /** A string that must be present and not blank. */
    public static String requiredString(JsonNode parent, String field, String path) {
        String s = string(parent, field, path).orElseThrow(() -> ApiException.badRequest(path + " is required"));
        if (s.isBlank()) {
            throw ApiException.badRequest(path + " must not be empty");
        }
        return s;
    }
}
