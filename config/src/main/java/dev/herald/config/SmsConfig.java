package dev.herald.config;

import java.util.Map;
import java.util.Objects;

/**
 * A workspace's SMS settings.
 *
 * @param twilio             the Twilio account
 * @param subscriptionGroups Braze {@code subscription_group_id} → sender
 */
public record SmsConfig(TwilioConfig twilio, Map<String, SubscriptionGroupConfig> subscriptionGroups) {
    public SmsConfig {
        Objects.requireNonNull(twilio, "twilio");
        subscriptionGroups = Map.copyOf(subscriptionGroups);
    }
}
