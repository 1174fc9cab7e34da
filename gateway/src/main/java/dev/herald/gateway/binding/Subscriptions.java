package dev.herald.gateway.binding;

import dev.herald.gateway.model.SubscriptionState;
import java.util.Optional;

/** Whether a user may receive a channel's messages under the dispatch's {@code recipient_subscription_state}. */
final class Subscriptions {
    private Subscriptions() {
    }

    /** Why not, if they may not ({@code subscribe}: the profile's {@code email_subscribe} / {@code push_subscribe}). */
    static Optional<String> refusal(SubscriptionState state, Optional<String> subscribe, String channel) {
        String s = subscribe.orElse("subscribed");
        return switch (state) {
            case ALL -> Optional.empty();
            case OPTED_IN -> s.equals("opted_in") ? Optional.empty()
                    : Optional.of("User has not opted in to " + channel + " (recipient_subscription_state opted_in)");
            case SUBSCRIBED -> s.equals("unsubscribed") ? Optional.of("User is unsubscribed from " + channel)
                    : Optional.empty();
        };
    }
}
