package dev.herald.gateway.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** {@code recipient_subscription_state}: who of the recipients may get the message. */
public enum SubscriptionState {
    /** Only users who opted in. */
    OPTED_IN,
    /** Users who are subscribed or opted in (Braze's default). */
    SUBSCRIBED,
    /** Everyone, unsubscribed users too (transactional messages). */
    ALL;

    /** The Braze name. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state Braze calls {@code name}. */
    public static Optional<SubscriptionState> of(String name) {
        for (SubscriptionState s : values()) {
            if (s.wireName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
