package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.AppConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.EmailAddressRow;
import dev.herald.gateway.store.EventSummary;
import dev.herald.gateway.store.PushTokenRow;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One profile as Braze's user export object ({@code /users/export/ids}), with the fields asked for. Braze's export
 * "includes the least data possible": a field the profile has no value for is left out, and so is every field Herald
 * cannot know (sessions, devices, apps, campaigns received, attribution, revenue, location, random bucket) rather
 * than invented.
 */
final class UserExport {
    /** Every field name Braze's {@code fields_to_export} takes. */
    static final Set<String> BRAZE_FIELDS = Set.of("apps", "attributed_campaign", "attributed_source",
            "attributed_adgroup", "attributed_ad", "braze_id", "campaigns_received", "canvases_received",
            "cards_clicked", "country", "created_at", "custom_attributes", "custom_events", "devices", "dob", "email",
            "email_subscribe", "external_id", "first_name", "gender", "home_city", "language", "last_coordinates",
            "last_name", "phone", "purchases", "push_opted_in_at", "push_subscribe", "push_tokens", "random_bucket",
            "time_zone", "total_revenue", "uninstalled_at", "user_aliases");
    /** Standard attributes kept in the profile document, exported as stored. */
    private static final List<String> PROFILE_FIELDS = List.of("first_name", "last_name");
    private static final List<String> MORE_PROFILE_FIELDS = List.of("dob", "home_city", "country");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private UserExport() {
    }

    /** The export object of {@code u} with the fields in {@code fields} (all of them when empty). */
    static ObjectNode of(StoreTx tx, WorkspaceConfig ws, UserRow u, Set<String> fields) throws SQLException {
        Function<String, Boolean> wants = f -> fields.isEmpty() || fields.contains(f);
        ObjectNode out = Json.object();
        JsonNode profile = parse(u.profile());
        if (wants.apply("created_at")) {
            out.put("created_at", TIME.format(u.createdAt()));
        }
        if (wants.apply("external_id")) {
            u.externalId().ifPresent(id -> out.put("external_id", id));
        }
        if (wants.apply("user_aliases")) {
            List<String[]> aliases = tx.users().aliases(u.id());
            if (!aliases.isEmpty()) {
                ArrayNode list = out.putArray("user_aliases");
                aliases.forEach(a -> list.addObject().put("alias_name", a[1]).put("alias_label", a[0]));
            }
        }
        if (wants.apply("braze_id")) {
            out.put("braze_id", u.brazeId());
        }
        copy(profile, out, PROFILE_FIELDS, wants);
        if (wants.apply("email")) {
            u.email().ifPresent(e -> out.put("email", e));
        }
        copy(profile, out, MORE_PROFILE_FIELDS, wants);
        if (wants.apply("phone")) {
            u.phone().ifPresent(p -> out.put("phone", p));
        }
        copy(profile, out, List.of("language"), wants);
        if (wants.apply("time_zone")) {
            u.timeZone().ifPresent(tz -> out.put("time_zone", tz));
        }
        copy(profile, out, List.of("gender"), wants);
        if (wants.apply("push_subscribe")) {
            u.pushSubscribe().ifPresent(s -> out.put("push_subscribe", s));
        }
        if (wants.apply("email_subscribe")) {
            emailSubscribe(tx, u).ifPresent(s -> out.put("email_subscribe", s));
        }
        if (wants.apply("custom_attributes")) {
            JsonNode custom = parse(u.custom());
            if (!custom.isEmpty()) {
                out.set("custom_attributes", custom);
            }
        }
        if (wants.apply("custom_events")) {
            summaries(out, "custom_events", tx.users().eventSummaries(u.id(), "event"));
        }
        if (wants.apply("purchases")) {
            summaries(out, "purchases", tx.users().eventSummaries(u.id(), "purchase"));
        }
        if (wants.apply("push_tokens")) {
            pushTokens(out, ws, tx.users().pushTokens(u.id()));
        }
        return out;
    }

    /** The profile's own state, else the state its address has on the workspace's lists (as sends decide). */
    private static Optional<String> emailSubscribe(StoreTx tx, UserRow u) throws SQLException {
        if (u.emailSubscribe().isPresent() || u.email().isEmpty()) {
            return u.emailSubscribe();
        }
        return tx.emailAddresses().get(u.workspace(), u.email().get()).flatMap(EmailAddressRow::subscription);
    }

    private static void copy(JsonNode profile, ObjectNode out, List<String> names, Function<String, Boolean> wants) {
        for (String name : names) {
            JsonNode v = profile.get(name);
            if (wants.apply(name) && v != null && !v.isNull()) {
                out.set(name, v);
            }
        }
    }

    private static void summaries(ObjectNode out, String field, List<EventSummary> kept) {
        if (kept.isEmpty()) {
            return;
        }
        ArrayNode list = out.putArray(field);
        for (EventSummary e : kept) {
            list.addObject().put("name", e.name()).put("first", TIME.format(e.first())).put("last", TIME.format(e.last()))
                    .put("count", e.count());
        }
    }

    /** Valid tokens only: a token APNs or FCM refused is gone from the profile at Braze too. */
    private static void pushTokens(ObjectNode out, WorkspaceConfig ws, List<PushTokenRow> tokens) {
        Map<String, AppConfig.Platform> platforms = ws.apps().stream()
                .collect(Collectors.toMap(AppConfig::appId, AppConfig::platform, (a, b) -> a));
        ArrayNode list = null;
        for (PushTokenRow t : tokens) {
            if (t.invalidReason().isPresent()) {
                continue;
            }
            if (list == null) {
                list = out.putArray("push_tokens");
            }
            ObjectNode o = list.addObject().put("app", t.appId());
            Optional.ofNullable(platforms.get(t.appId())).ifPresent(p -> o.put("platform", switch (p) {
                case IOS -> "iOS";
                case ANDROID -> "Android";
                case WEB -> "Web";
            }));
            o.put("token", t.token());
            t.deviceId().ifPresent(d -> o.put("device_id", d));
        }
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode n = Json.parse(json);
            return n.isObject() ? n : Json.object();
        } catch (Exception e) {
            return Json.object();
        }
    }
}
