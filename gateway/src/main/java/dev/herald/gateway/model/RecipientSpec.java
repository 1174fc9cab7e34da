package dev.herald.gateway.model;

import java.util.Map;
import java.util.Objects;

/**
 * One listed recipient with the properties given for them alone, which override the request's own.
 *
 * @param recipient  who
 * @param properties their {@code trigger_properties} and Canvas entry properties
 */
public record RecipientSpec(Recipient recipient, Properties properties) {
    public RecipientSpec {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(properties, "properties");
    }

    /** A recipient with no properties of their own. */
    public static RecipientSpec of(Recipient recipient) {
        return new RecipientSpec(recipient, Properties.NONE);
    }

    /** The values of templates' {@code api_trigger_properties} / Canvas entry properties, as plain Java values. */
    public record Properties(Map<String, Object> trigger, Map<String, Object> entry) {
        /** No properties. */
        public static final Properties NONE = new Properties(Map.of(), Map.of());

        public Properties {
            trigger = Maps.copy(trigger);
            entry = Maps.copy(entry);
        }

        /** These properties overridden key by key by {@code over}'s. */
        public Properties overriddenBy(Properties over) {
            return new Properties(Maps.merged(trigger, over.trigger), Maps.merged(entry, over.entry));
        }
    }
}
