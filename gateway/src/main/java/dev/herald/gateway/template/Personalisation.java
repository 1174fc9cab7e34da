package dev.herald.gateway.template;

import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.UserRow;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The variables a template sees, named as Braze names them (braze-api.md §7): the profile's standard
 * attributes at the top level ({@code first_name}, {@code email_address}, {@code user_id}, ...),
 * {@code custom_attribute}, {@code subscribed_state}, {@code campaign} and the trigger properties of the call
 * ({@code api_trigger_properties}, {@code canvas_entry_properties} and {@code context}).
 */
public final class Personalisation {
    private Personalisation() {
    }

    /**
     * Variables for one recipient.
     *
     * @param user          the recipient's profile as it is now, or empty (an unknown user sees an empty profile)
     * @param subscriptions the user's subscription-group states
     * @param campaign      {@code dispatch_id}, {@code api_id}, {@code send_id}, ...
     * @param properties    extra top-level maps such as {@code api_trigger_properties}
     */
    public static Map<String, Object> variables(Optional<UserRow> user, Map<String, String> subscriptions,
                                                Map<String, Object> campaign, Map<String, Object> properties) {
        Map<String, Object> vars = new HashMap<>();
        Map<String, Object> subscribed = new LinkedHashMap<>(subscriptions);
        if (user.isPresent()) {
            UserRow u = user.get();
            Map<String, Object> profile = Json.parseMap(u.profile());
            vars.putAll(profile);
            vars.put("custom_attribute", Json.parseMap(u.custom()));
            u.externalId().ifPresent(id -> vars.put("user_id", id));
            vars.put("braze_id", u.brazeId());
            u.email().ifPresent(e -> {
                vars.put("email_address", e);
                vars.put("email", e);
            });
            u.phone().ifPresent(p -> {
                vars.put("phone_number", p);
                vars.put("phone", p);
            });
            u.timeZone().ifPresent(tz -> vars.put("time_zone", tz));
            alias(vars, profile, "home_city", "city");
            alias(vars, profile, "dob", "date_of_birth");
            u.emailSubscribe().ifPresent(s -> subscribed.put("email_global", s));
            u.pushSubscribe().ifPresent(s -> subscribed.put("push_global", s));
        } else {
            vars.put("custom_attribute", Map.of());
        }
        vars.put("subscribed_state", subscribed);
        vars.put("campaign", campaign);
        vars.putAll(properties);
        return vars;
    }

    private static void alias(Map<String, Object> vars, Map<String, Object> profile, String from, String to) {
        Object v = profile.get(from);
        if (v != null) {
            vars.put(to, v);
        }
    }
}
