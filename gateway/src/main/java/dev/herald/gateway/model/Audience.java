package dev.herald.gateway.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A Braze Connected Audience (braze-api.md §2.1): filters over directory profiles, nested with {@code AND} and
 * {@code OR}. Validated at ingress; the delivery side evaluates it against each profile.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "filter")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Audience.All.class, name = "and"),
        @JsonSubTypes.Type(value = Audience.Any.class, name = "or"),
        @JsonSubTypes.Type(value = Audience.CustomAttribute.class, name = "custom_attribute"),
        @JsonSubTypes.Type(value = Audience.SubscriptionStatus.class, name = "subscription_status"),
        @JsonSubTypes.Type(value = Audience.LastUsedApp.class, name = "last_used_app")})
public sealed interface Audience {
    /** Every part matches. */
    record All(List<Audience> parts) implements Audience {
        public All {
            parts = Lists.copy(parts);
        }
    }

    /** Some part matches. */
    record Any(List<Audience> parts) implements Audience {
        public Any {
            parts = Lists.copy(parts);
        }
    }

    /**
     * A custom attribute compared with a value.
     *
     * @param value the value as a plain Java value (string, number, boolean, list); null for {@code exists} and
     *              {@code does_not_exist}
     */
    record CustomAttribute(String name, Comparison comparison, @Nullable Object value) implements Audience {
        public CustomAttribute {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(comparison, "comparison");
        }
    }

    /**
     * {@code email_subscription_status} or {@code push_subscription_status} {@code is} / {@code is_not} a state.
     *
     * @param email true for email, false for push
     * @param state opted_in, subscribed or unsubscribed
     */
    record SubscriptionStatus(boolean email, boolean is, String state) implements Audience {
        public SubscriptionStatus {
            Objects.requireNonNull(state, "state");
        }
    }

    /** {@code last_used_app} {@code after} / {@code before} a time (the profile's {@code date_of_last_session}). */
    record LastUsedApp(boolean after, Instant at) implements Audience {
        public LastUsedApp {
            Objects.requireNonNull(at, "at");
        }
    }

    /** The comparisons of a custom attribute filter, by their Braze names. */
    enum Comparison {
        EQUALS, NOT_EQUAL, DOES_NOT_EQUAL, MATCHES_REGEX, DOES_NOT_MATCH_REGEX, EXISTS, DOES_NOT_EXIST,
        INCLUDES_VALUE, DOES_NOT_INCLUDE_VALUE, GREATER_THAN, GREATER_THAN_OR_EQUAL_TO, LESS_THAN,
        LESS_THAN_OR_EQUAL_TO, BEFORE, AFTER, LESS_THAN_X_DAYS_AGO, GREATER_THAN_X_DAYS_AGO,
        LESS_THAN_X_DAYS_IN_THE_FUTURE, GREATER_THAN_X_DAYS_IN_THE_FUTURE;

        /** The Braze name, e.g. {@code greater_than}. */
        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The comparison Braze calls {@code name}. */
        public static Optional<Comparison> of(String name) {
            for (Comparison c : values()) {
                if (c.wireName().equals(name)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }

        /** Whether it needs a value to compare with. */
        public boolean needsValue() {
            return this != EXISTS && this != DOES_NOT_EXIST;
        }
    }
}
