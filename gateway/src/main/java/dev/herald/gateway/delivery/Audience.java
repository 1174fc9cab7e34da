package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.UserRow;
import java.math.BigDecimal;
import java.time.Duration;
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
 * A Braze Connected Audience (braze-api.md §2.1) compiled to a predicate over directory profiles:
 * {@code custom_attribute} comparisons by the attribute's type, {@code email_subscription_status} and
 * {@code push_subscription_status}, {@code last_used_app} (the profile's {@code date_of_last_session}), nested
 * with {@code AND} and {@code OR}. Invalid filters are refused when the request arrives.
 */
public sealed interface Audience {
    /** Whether a profile is in the audience at {@code now}. */
    boolean matches(UserRow user, Instant now);

    /** All of them. */
    record All(List<Audience> parts) implements Audience {
        @Override
        public boolean matches(UserRow user, Instant now) {
            return parts.stream().allMatch(p -> p.matches(user, now));
        }
    }

    /** Any of them. */
    record Any(List<Audience> parts) implements Audience {
        @Override
        public boolean matches(UserRow user, Instant now) {
            return parts.stream().anyMatch(p -> p.matches(user, now));
        }
    }

    /** A custom attribute comparison. */
    record Custom(String name, String comparison, JsonNode value) implements Audience {
        @Override
        public boolean matches(UserRow user, Instant now) {
            JsonNode v = Json.parseOrEmpty(user.custom()).get(name);
            boolean present = v != null && !v.isNull();
            return switch (comparison) {
                case "exists" -> present;
                case "does_not_exist" -> !present;
                case "equals" -> present && same(v, value);
                case "not_equal", "does_not_equal" -> !present || !same(v, value);
                case "matches_regex" -> present && v.isTextual() && regex(value).matcher(v.asText()).find();
                case "does_not_match_regex" -> !present || !v.isTextual() || !regex(value).matcher(v.asText()).find();
                case "includes_value" -> present && v.isArray() && contains(v, value);
                case "does_not_include_value" -> !present || !v.isArray() || !contains(v, value);
                case "greater_than" -> present && compare(v, value).filter(c -> c > 0).isPresent();
                case "greater_than_or_equal_to" -> present && compare(v, value).filter(c -> c >= 0).isPresent();
                case "less_than" -> present && compare(v, value).filter(c -> c < 0).isPresent();
                case "less_than_or_equal_to" -> present && compare(v, value).filter(c -> c <= 0).isPresent();
                case "before" -> time(v).filter(t -> t.isBefore(timeValue(value))).isPresent();
                case "after" -> time(v).filter(t -> t.isAfter(timeValue(value))).isPresent();
                case "less_than_x_days_ago" -> time(v).filter(t -> !t.isBefore(now.minus(days(value)))
                        && !t.isAfter(now)).isPresent();
                case "greater_than_x_days_ago" -> time(v).filter(t -> t.isBefore(now.minus(days(value)))).isPresent();
                case "less_than_x_days_in_the_future" -> time(v).filter(t -> !t.isBefore(now)
                        && !t.isAfter(now.plus(days(value)))).isPresent();
                case "greater_than_x_days_in_the_future" -> time(v).filter(t -> t.isAfter(now.plus(days(value))))
                        .isPresent();
                default -> false;
            };
        }
    }

    /** {@code email_subscription_status} / {@code push_subscription_status} {@code is} / {@code is_not}. */
    record Subscription(boolean email, boolean is, String state) implements Audience {
        @Override
        public boolean matches(UserRow user, Instant now) {
            String actual = (email ? user.emailSubscribe() : user.pushSubscribe()).orElse("subscribed");
            return actual.equals(state) == is;
        }
    }

    /** {@code last_used_app} {@code after} / {@code before}. */
    record LastUsedApp(boolean after, Instant at) implements Audience {
        @Override
        public boolean matches(UserRow user, Instant now) {
            JsonNode v = Json.parseOrEmpty(user.profile()).get("date_of_last_session");
            return v != null && time(v).filter(t -> after ? t.isAfter(at) : t.isBefore(at)).isPresent();
        }
    }

    Set<String> CUSTOM_COMPARISONS = Set.of("equals", "not_equal", "does_not_equal", "matches_regex",
            "does_not_match_regex", "exists", "does_not_exist", "includes_value", "does_not_include_value",
            "greater_than", "greater_than_or_equal_to", "less_than", "less_than_or_equal_to", "before", "after",
            "less_than_x_days_ago", "greater_than_x_days_ago", "less_than_x_days_in_the_future",
            "greater_than_x_days_in_the_future");

    /**
     * Compiles an {@code audience} object.
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
        switch (key) {
            case "AND", "OR" -> {
                if (!body.isArray() || body.isEmpty()) {
                    throw new IllegalArgumentException(key + " must be a non-empty array of filters");
                }
                List<Audience> parts = new ArrayList<>();
                body.forEach(p -> parts.add(parse(p)));
                return key.equals("AND") ? new All(parts) : new Any(parts);
            }
            case "custom_attribute" -> {
                String name = body.path("custom_attribute_name").asText("");
                String comparison = body.path("comparison").asText("");
                if (name.isBlank() || !CUSTOM_COMPARISONS.contains(comparison)) {
                    throw new IllegalArgumentException("custom_attribute needs custom_attribute_name and a comparison "
                            + "such as equals, greater_than, includes_value or exists");
                }
                JsonNode value = body.path("value");
                if (!comparison.equals("exists") && !comparison.equals("does_not_exist") && value.isMissingNode()) {
                    throw new IllegalArgumentException("custom_attribute " + name + ": value is required for " + comparison);
                }
                if (comparison.contains("regex")) {
                    regex(value);
                }
                if (comparison.equals("before") || comparison.equals("after")) {
                    timeValue(value);
                }
                return new Custom(name, comparison, value);
            }
            case "email_subscription_status", "push_subscription_status" -> {
                String comparison = body.path("comparison").asText("");
                String value = body.path("value").asText("");
                if (!Set.of("is", "is_not").contains(comparison)
                        || !Set.of("opted_in", "subscribed", "unsubscribed").contains(value)) {
                    throw new IllegalArgumentException(key + " needs comparison is/is_not and a value of opted_in, "
                            + "subscribed or unsubscribed");
                }
                return new Subscription(key.startsWith("email"), comparison.equals("is"), value);
            }
            case "last_used_app" -> {
                String comparison = body.path("comparison").asText("");
                if (!Set.of("after", "before").contains(comparison)) {
                    throw new IllegalArgumentException("last_used_app needs comparison after or before");
                }
                return new LastUsedApp(comparison.equals("after"), timeValue(body.path("value")));
            }
            default -> throw new IllegalArgumentException("unknown audience filter \"" + key + "\"");
        }
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isBoolean() || b.isBoolean()) {
            return a.asText().equalsIgnoreCase(b.asText());
        }
        return a.asText().equals(b.asText());
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode v : array) {
            if (same(v, value)) {
                return true;
            }
        }
        return false;
    }

    /** The numeric comparison of two values, empty when either is not a number (then no comparison matches). */
    private static Optional<Integer> compare(JsonNode a, JsonNode b) {
        try {
            BigDecimal x = a.isNumber() ? a.decimalValue() : new BigDecimal(a.asText());
            BigDecimal y = b.isNumber() ? b.decimalValue() : new BigDecimal(b.asText());
            return Optional.of(x.compareTo(y));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Pattern regex(JsonNode value) {
        try {
            return Pattern.compile(value.asText());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression " + value.asText());
        }
    }

    private static Duration days(JsonNode value) {
        return Duration.ofDays(Math.max(0, value.asLong(0)));
    }

    private static Instant timeValue(JsonNode value) {
        return time(value).orElseThrow(() -> new IllegalArgumentException("\"" + value.asText()
                + "\" is not an ISO 8601 time"));
    }

    private static Optional<Instant> time(JsonNode v) {
        if (v == null || !v.isTextual()) {
            return Optional.empty();
        }
        String t = v.asText().trim();
        try {
            return Optional.of(OffsetDateTime.parse(t.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
