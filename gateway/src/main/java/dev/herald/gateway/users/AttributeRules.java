package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.AppConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies one Braze user attributes object (braze-api.md §6.1) to a profile: the standard fields with their
 * types checked, then custom attributes with Braze's operations ({@code {"inc": n}}, {@code {"add": [...]}},
 * {@code {"remove": [...]}}, {@code null} removes). Every field is validated before anything is applied, so an
 * invalid object changes nothing and is reported as an item error.
 */
final class AttributeRules {
    static final int MAX_ARRAY = 100;
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+\\.[^\\s@]+");
    private static final Set<String> IDENTIFIERS = Set.of("external_id", "user_alias", "braze_id",
            "_update_existing_only", "push_token_import");
    private static final Set<String> STRINGS = Set.of("first_name", "last_name", "country", "home_city", "language",
            "date_of_first_session", "date_of_last_session", "marked_email_as_spam_at");
    private static final Set<String> SUBSCRIBE_STATES = Set.of("opted_in", "subscribed", "unsubscribed");

    private AttributeRules() {
    }

    /** Validates every field, then applies them all (tokens and subscription groups go to their tables). */
    static void apply(StoreTx tx, WorkspaceConfig ws, ProfileEdit p, JsonNode o, Instant now)
            throws ItemError, SQLException {
        List<Runnable> edits = new ArrayList<>();
        List<TokenWrite> tokens = new ArrayList<>();
        List<String[]> groups = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : o.properties()) {
            String key = f.getKey();
            JsonNode v = f.getValue();
            if (IDENTIFIERS.contains(key)) {
                continue;
            }
            switch (key) {
                case "email" -> edits.add(email(p, v));
                case "phone" -> edits.add(phone(p, v));
                case "time_zone" -> edits.add(timeZone(p, v));
                case "email_subscribe", "push_subscribe" -> edits.add(subscribe(p, key, v));
                case "gender" -> edits.add(standard(p, key, gender(v)));
                case "dob" -> edits.add(standard(p, key, dob(v)));
                case "email_open_tracking_disabled", "email_click_tracking_disabled" -> edits.add(standard(p, key,
                        bool(key, v)));
                case "current_location" -> edits.add(standard(p, key, location(v)));
                case "facebook", "twitter" -> edits.add(standard(p, key, objectOrNull(key, v)));
                case "push_tokens" -> tokens.addAll(tokens(ws, v));
                case "subscription_groups" -> groups.addAll(subscriptionGroups(v));
                default -> edits.add(STRINGS.contains(key) ? standard(p, key, string(key, v)) : custom(p, key, v));
            }
        }
        edits.forEach(Runnable::run);
        for (TokenWrite t : tokens) {
            tx.users().putPushToken(ws.id(), t.appId(), t.token(), p.userId(), t.deviceId(), now);
        }
        for (String[] g : groups) {
            tx.users().putSubscription(p.userId(), g[0], g[1], now);
        }
    }

    private record TokenWrite(String appId, String token, Optional<String> deviceId) {
    }

    private static Runnable email(ProfileEdit p, JsonNode v) throws ItemError {
        if (v.isNull()) {
            return () -> {
                p.email = Optional.empty();
                p.emailInvalid = Optional.empty();
            };
        }
        if (!v.isTextual() || !EMAIL.matcher(v.asText().trim()).matches() || v.asText().length() > 254) {
            throw new ItemError("'email' must be a valid email address string");
        }
        String email = v.asText().trim().toLowerCase(Locale.ROOT);
        // Setting an address again makes it deliverable again, even after a bounce.
        return () -> {
            p.email = Optional.of(email);
            p.emailInvalid = Optional.empty();
        };
    }

    private static Runnable phone(ProfileEdit p, JsonNode v) throws ItemError {
        if (v.isNull()) {
            return () -> {
                p.phone = Optional.empty();
                p.phoneInvalid = Optional.empty();
            };
        }
        if (!(v.isTextual() || v.isNumber()) || v.asText().isBlank() || v.asText().length() > 64) {
            throw new ItemError("'phone' must be a string (E.164, such as +15551234567, is recommended)");
        }
        String phone = v.asText().trim();
        return () -> {
            p.phone = Optional.of(phone);
            p.phoneInvalid = Optional.empty();
        };
    }

    private static Runnable timeZone(ProfileEdit p, JsonNode v) throws ItemError {
        if (v.isNull()) {
            return () -> p.timeZone = Optional.empty();
        }
        try {
            String tz = ZoneId.of(v.asText()).getId();
            if (!v.isTextual()) {
                throw new DateTimeException("not a string");
            }
            return () -> p.timeZone = Optional.of(tz);
        } catch (DateTimeException e) {
            throw new ItemError("'time_zone' must be an IANA time zone such as America/New_York");
        }
    }

    private static Runnable subscribe(ProfileEdit p, String key, JsonNode v) throws ItemError {
        if (!v.isTextual() || !SUBSCRIBE_STATES.contains(v.asText())) {
            throw new ItemError("'" + key + "' must be opted_in, subscribed or unsubscribed");
        }
        String state = v.asText();
        return key.equals("email_subscribe") ? () -> p.emailSubscribe = Optional.of(state)
                : () -> p.pushSubscribe = Optional.of(state);
    }

    private static Runnable standard(ProfileEdit p, String key, JsonNode value) {
        return () -> {
            if (value.isNull()) {
                p.profile.remove(key);
            } else {
                p.profile.set(key, value);
            }
        };
    }

    private static JsonNode string(String key, JsonNode v) throws ItemError {
        if (v.isNull()) {
            return v;
        }
        if (!v.isTextual() || v.asText().length() > 255) {
            throw new ItemError("'" + key + "' must be a string of at most 255 characters");
        }
        return v;
    }

    private static JsonNode gender(JsonNode v) throws ItemError {
        if (v.isNull()) {
            return v;
        }
        String g = v.isTextual() ? v.asText().trim().toUpperCase(Locale.ROOT) : "";
        if (!Set.of("M", "F", "O", "N", "P").contains(g)) {
            throw new ItemError("'gender' must be one of M, F, O, N, P or null");
        }
        return Json.MAPPER.getNodeFactory().textNode(g);
    }

    private static JsonNode dob(JsonNode v) throws ItemError {
        if (v.isNull()) {
            return v;
        }
        try {
            return Json.MAPPER.getNodeFactory().textNode(LocalDate.parse(v.asText()).toString());
        } catch (DateTimeException e) {
            throw new ItemError("'dob' must be a date as YYYY-MM-DD");
        }
    }

    private static JsonNode bool(String key, JsonNode v) throws ItemError {
        if (v.isBoolean() || v.isNull()) {
            return v;
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Json.MAPPER.getNodeFactory().booleanNode(Boolean.parseBoolean(v.asText()));
        }
        throw new ItemError("'" + key + "' must be a boolean");
    }

    private static JsonNode location(JsonNode v) throws ItemError {
        if (v.isNull()) {
            return v;
        }
        if (!v.isObject() || !v.path("longitude").isNumber() || !v.path("latitude").isNumber()
                || Math.abs(v.get("latitude").asDouble()) > 90 || Math.abs(v.get("longitude").asDouble()) > 180) {
            throw new ItemError("'current_location' must be {\"longitude\": number, \"latitude\": number}");
        }
        return v;
    }

    private static JsonNode objectOrNull(String key, JsonNode v) throws ItemError {
        if (!v.isObject() && !v.isNull()) {
            throw new ItemError("'" + key + "' must be an object");
        }
        return v;
    }

    private static List<TokenWrite> tokens(WorkspaceConfig ws, JsonNode v) throws ItemError {
        if (!v.isArray()) {
            throw new ItemError("'push_tokens' must be an array of {app_id, token, device_id}");
        }
        List<TokenWrite> out = new ArrayList<>();
        for (JsonNode t : v) {
            String appId = t.path("app_id").asText("");
            String token = t.path("token").asText("");
            if (!t.isObject() || !t.path("app_id").isTextual() || !t.path("token").isTextual() || token.isBlank()
                    || token.length() > 4096) {
                throw new ItemError("'push_tokens' items must be objects with app_id and token strings");
            }
            Optional<AppConfig> app = ws.app(appId);
            if (app.isEmpty()) {
                throw new ItemError("'push_tokens': unknown app_id \"" + appId + "\" (configure it under apps)");
            }
            out.add(new TokenWrite(appId, token.trim(), t.path("device_id").isTextual()
                    ? Optional.of(t.get("device_id").asText()) : Optional.empty()));
        }
        return out;
    }

    private static List<String[]> subscriptionGroups(JsonNode v) throws ItemError {
        if (!v.isArray()) {
            throw new ItemError("'subscription_groups' must be an array of {subscription_group_id, subscription_state}");
        }
        List<String[]> out = new ArrayList<>();
        for (JsonNode g : v) {
            String id = g.path("subscription_group_id").asText("");
            String state = g.path("subscription_state").asText("");
            if (id.isBlank() || !(state.equals("subscribed") || state.equals("unsubscribed"))) {
                throw new ItemError("'subscription_groups' items need a subscription_group_id and a subscription_state "
                        + "of subscribed or unsubscribed");
            }
            out.add(new String[] {id, state});
        }
        return out;
    }

    private static Runnable custom(ProfileEdit p, String key, JsonNode v) throws ItemError {
        if (key.isBlank() || key.length() > 255 || key.startsWith("$")) {
            throw new ItemError("custom attribute names must be 1-255 characters and not start with $: \"" + key + "\"");
        }
        if (v.isNull()) {
            return () -> p.custom.remove(key);
        }
        if (v.isObject() && v.size() == 1 && v.has("inc")) {
            if (!v.get("inc").isNumber()) {
                throw new ItemError("'" + key + "': inc must be a number");
            }
            JsonNode by = v.get("inc");
            return () -> {
                JsonNode current = p.custom.get(key);
                if (current != null && current.isNumber() && (current.isIntegralNumber() && by.isIntegralNumber())) {
                    p.custom.put(key, current.longValue() + by.longValue());
                } else if (current != null && current.isNumber()) {
                    p.custom.put(key, current.decimalValue().add(by.decimalValue()));
                } else {
                    p.custom.set(key, by);
                }
            };
        }
        if (v.isObject() && !v.isEmpty() && (v.has("add") || v.has("remove"))
                && v.size() == (v.has("add") ? 1 : 0) + (v.has("remove") ? 1 : 0)) {
            JsonNode add = v.path("add");
            JsonNode remove = v.path("remove");
            if ((v.has("add") && !add.isArray()) || (v.has("remove") && !remove.isArray())) {
                throw new ItemError("'" + key + "': add and remove must be arrays");
            }
            return () -> {
                Set<JsonNode> values = new LinkedHashSet<>();
                JsonNode current = p.custom.get(key);
                if (current != null && current.isArray()) {
                    current.forEach(values::add);
                }
                add.forEach(values::add);
                remove.forEach(values::remove);
                p.custom.set(key, capped(values));
            };
        }
        if (v.isArray()) {
            Set<JsonNode> unique = new LinkedHashSet<>();
            v.forEach(unique::add);
            return () -> p.custom.set(key, capped(unique));
        }
        return () -> p.custom.set(key, v);
    }

    /** Arrays hold unique values, at most {@value #MAX_ARRAY}; the oldest go first. */
    private static ArrayNode capped(Set<JsonNode> values) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        int skip = Math.max(0, values.size() - MAX_ARRAY);
        for (JsonNode n : values) {
            if (skip-- > 0) {
                continue;
            }
            out.add(n);
        }
        return out;
    }

    static ObjectNode emptyObject() {
        return Json.object();
    }
}
