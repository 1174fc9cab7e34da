package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.Audience;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads an {@code audience} (braze-api.md §2.1): {@code custom_attribute} with a comparison,
 * {@code email_subscription_status}, {@code push_subscription_status}, {@code last_used_app}, nested with
 * {@code AND} and {@code OR}. Every filter is checked here (a regular expression compiles, a time parses), so a
 * broadcast never fails halfway.
 */
final class AudienceParser {
    private AudienceParser() {
    }

    /**
     * The audience an object describes.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Audience parse(JsonNode n) {
        if (n == null || !n.isObject() || n.size() != 1) {
            throw new IllegalArgumentException("each audience filter must be an object with exactly one key");
        }
        var e = n.properties().iterator().next();
        String key = e.getKey();
        JsonNode body = e.getValue();
        return switch (key) {
            case "AND", "OR" -> {
                if (!body.isArray() || body.isEmpty()) {
                    throw new IllegalArgumentException(key + " must be a non-empty array of filters");
                }
                List<Audience> parts = new ArrayList<>();
                body.forEach(p -> parts.add(parse(p)));
                yield key.equals("AND") ? new Audience.All(parts) : new Audience.Any(parts);
            }
            case "custom_attribute" -> custom(body);
            case "email_subscription_status", "push_subscription_status" -> {
                String comparison = body.path("comparison").asText("");
                String value = body.path("value").asText("");
                if (!Set.of("is", "is_not").contains(comparison)
                        || !Set.of("opted_in", "subscribed", "unsubscribed").contains(value)) {
                    throw new IllegalArgumentException(key + " needs comparison is/is_not and a value of opted_in, "
                            + "subscribed or unsubscribed");
                }
                yield new Audience.SubscriptionStatus(key.startsWith("email"), comparison.equals("is"), value);
            }
            case "last_used_app" -> {
                String comparison = body.path("comparison").asText("");
                if (!Set.of("after", "before").contains(comparison)) {
                    throw new IllegalArgumentException("last_used_app needs comparison after or before");
                }
                yield new Audience.LastUsedApp(comparison.equals("after"), time(body.path("value")));
            }
            default -> throw new IllegalArgumentException("unknown audience filter \"" + key + "\"");
        };
    }

    private static Audience custom(JsonNode body) {
        String name = body.path("custom_attribute_name").asText("");
        Optional<Audience.Comparison> comparison = Audience.Comparison.of(body.path("comparison").asText(""));
        if (name.isBlank() || comparison.isEmpty()) {
            throw new IllegalArgumentException("custom_attribute needs custom_attribute_name and a comparison "
                    + "such as equals, greater_than, includes_value or exists");
        }
        JsonNode value = body.path("value");
        Audience.Comparison c = comparison.get();
        if (c.needsValue() && value.isMissingNode()) {
            throw new IllegalArgumentException("custom_attribute " + name + ": value is required for " + c.wireName());
        }
        if (c == Audience.Comparison.MATCHES_REGEX || c == Audience.Comparison.DOES_NOT_MATCH_REGEX) {
            try {
                Pattern.compile(value.asText());
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression " + value.asText());
            }
        }
        if (c == Audience.Comparison.BEFORE || c == Audience.Comparison.AFTER) {
            time(value);
        }
        return new Audience.CustomAttribute(name, c, value.isMissingNode() ? null : Json.toJava(value));
    }

    private static Instant time(JsonNode v) {
        String t = v.isTextual() ? v.asText().trim() : null;
        if (t != null) {
            try {
                return Lenient.inRange(OffsetDateTime.parse(t.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2"))
                        .toInstant(), "comparison_value", t);
            } catch (DateTimeParseException e) {
                try {
                    return Lenient.inRange(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC),
                            "comparison_value", t);
                } catch (DateTimeParseException e2) {
                    // reported below
                }
            }
        }
        throw new IllegalArgumentException("\"" + v.asText() + "\" is not an ISO 8601 time");
    }
}
