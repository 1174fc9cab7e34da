package dev.herald.gateway.delivery;

import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.Audience;
import dev.herald.gateway.store.UserRow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates a Connected Audience against a profile: {@code custom_attribute} comparisons by the attribute's type,
 * {@code email_subscription_status} and {@code push_subscription_status}, {@code last_used_app} (the profile's
 * {@code date_of_last_session}), nested with {@code AND} and {@code OR}. A profile's attributes are read once per
 * profile, however many filters look at them.
 */
final class AudienceMatcher {
    private AudienceMatcher() {
    }

    /** Whether {@code user} is in {@code audience} at {@code now}. */
    static boolean matches(Audience audience, UserRow user, Instant now) {
        return new Profile(user).matches(audience, now);
    }

    /** One profile's attributes, parsed when first needed. */
    private static final class Profile {
        private final UserRow user;
        private @Nullable Map<String, Object> custom;
        private @Nullable Map<String, Object> standard;

        Profile(UserRow user) {
            this.user = user;
        }

        boolean matches(Audience audience, Instant now) {
            return switch (audience) {
                case Audience.All all -> all.parts().stream().allMatch(p -> matches(p, now));
                case Audience.Any any -> any.parts().stream().anyMatch(p -> matches(p, now));
                case Audience.CustomAttribute c -> custom(c, now);
                case Audience.SubscriptionStatus s -> {
                    String actual = (s.email() ? user.emailSubscribe() : user.pushSubscribe()).orElse("subscribed");
                    yield actual.equals(s.state()) == s.is();
                }
                case Audience.LastUsedApp l -> time(standard().get("date_of_last_session"))
                        .filter(t -> l.after() ? t.isAfter(l.at()) : t.isBefore(l.at())).isPresent();
            };
        }

        private Map<String, Object> custom() {
            if (custom == null) {
                custom = Json.parseMap(user.custom());
            }
            return custom;
        }

        private Map<String, Object> standard() {
            if (standard == null) {
                standard = Json.parseMap(user.profile());
            }
            return standard;
        }

        private boolean custom(Audience.CustomAttribute c, Instant now) {
            Object v = custom().get(c.name());
            boolean present = v != null;
            Object value = c.value();
            return switch (c.comparison()) {
                case EXISTS -> present;
                case DOES_NOT_EXIST -> !present;
                case EQUALS -> present && same(v, value);
                case NOT_EQUAL, DOES_NOT_EQUAL -> !present || !same(v, value);
                case MATCHES_REGEX -> v instanceof String s && regex(value).matcher(s).find();
                case DOES_NOT_MATCH_REGEX -> !(v instanceof String s) || !regex(value).matcher(s).find();
                case INCLUDES_VALUE -> v instanceof Collection<?> list && contains(list, value);
                case DOES_NOT_INCLUDE_VALUE -> !(v instanceof Collection<?> list) || !contains(list, value);
                case GREATER_THAN -> present && compare(v, value).filter(r -> r > 0).isPresent();
                case GREATER_THAN_OR_EQUAL_TO -> present && compare(v, value).filter(r -> r >= 0).isPresent();
                case LESS_THAN -> present && compare(v, value).filter(r -> r < 0).isPresent();
                case LESS_THAN_OR_EQUAL_TO -> present && compare(v, value).filter(r -> r <= 0).isPresent();
                case BEFORE -> time(v).filter(t -> time(value).filter(t::isBefore).isPresent()).isPresent();
                case AFTER -> time(v).filter(t -> time(value).filter(t::isAfter).isPresent()).isPresent();
                case LESS_THAN_X_DAYS_AGO -> time(v).filter(t -> !t.isBefore(now.minus(days(value)))
                        && !t.isAfter(now)).isPresent();
                case GREATER_THAN_X_DAYS_AGO -> time(v).filter(t -> t.isBefore(now.minus(days(value)))).isPresent();
                case LESS_THAN_X_DAYS_IN_THE_FUTURE -> time(v).filter(t -> !t.isBefore(now)
                        && !t.isAfter(now.plus(days(value)))).isPresent();
                case GREATER_THAN_X_DAYS_IN_THE_FUTURE -> time(v).filter(t -> t.isAfter(now.plus(days(value))))
                        .isPresent();
            };
        }
    }

    /** Equal as numbers when both are, case-insensitively as booleans when either is, else as text. */
    private static boolean same(Object a, @Nullable Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y)) == 0;
        }
        if (a instanceof Boolean || b instanceof Boolean) {
            return text(a).equalsIgnoreCase(text(b));
        }
        return text(a).equals(text(b));
    }

    private static boolean contains(Collection<?> list, @Nullable Object value) {
        for (Object v : list) {
            if (v != null && same(v, value)) {
                return true;
            }
        }
        return false;
    }

    /** The numeric comparison of two values, empty when either is not a number (then no comparison matches). */
    private static Optional<Integer> compare(Object a, @Nullable Object b) {
        try {
            BigDecimal x = a instanceof Number n ? decimal(n) : new BigDecimal(text(a));
            BigDecimal y = b instanceof Number n ? decimal(n) : new BigDecimal(text(b));
            return Optional.of(x.compareTo(y));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
    }

    /** A value as JSON would write it as text ({@code null} for a missing one). */
    private static String text(@Nullable Object v) {
        return v == null ? "null" : v instanceof String s ? s : String.valueOf(v);
    }

    /** The filter's regular expression (validated at ingress). */
    private static Pattern regex(@Nullable Object value) {
        return Pattern.compile(text(value));
    }

    private static Duration days(@Nullable Object value) {
        long n;
        try {
            n = value instanceof Number x ? x.longValue() : Long.parseLong(text(value).trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        return Duration.ofDays(Math.max(0, n));
    }

    /** An ISO 8601 time (with an offset such as {@code +0100} or {@code +01:00}) or a date (midnight UTC). */
    static Optional<Instant> time(@Nullable Object v) {
        if (!(v instanceof String s)) {
            return Optional.empty();
        }
        String t = s.trim();
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
