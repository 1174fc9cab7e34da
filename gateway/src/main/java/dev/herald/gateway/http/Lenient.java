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

    /** A string that must be present and not blank. */
    public static String requiredString(JsonNode parent, String field, String path) {
        String s = string(parent, field, path).orElseThrow(() -> ApiException.badRequest(path + " is required"));
        if (s.isBlank()) {
            throw ApiException.badRequest(path + " must not be empty");
        }
        return s;
    }
}
