package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Applies a validated {@code /users/track} body inside one transaction: attributes, then events, then
 * purchases (Braze's order). An object with an error is skipped and reported in {@code errors}; the others are
 * processed. Returns the response body.
 */
final class TrackProcessor {
    private final WorkspaceConfig workspace;

    TrackProcessor(WorkspaceConfig workspace) {
        this.workspace = workspace;
    }

    ObjectNode apply(StoreTx tx, JsonNode body, Instant now) throws SQLException {
        ObjectNode out = Json.object();
        out.put("message", "success");
        ArrayNode errors = Json.MAPPER.createArrayNode();
        if (body.has("attributes")) {
            out.put("attributes_processed", attributes(tx, body.get("attributes"), errors, now));
        }
        if (body.has("events")) {
            out.put("events_processed", events(tx, body.get("events"), "events", errors, now));
        }
        if (body.has("purchases")) {
            out.put("purchases_processed", events(tx, body.get("purchases"), "purchases", errors, now));
        }
        if (!errors.isEmpty()) {
            out.set("errors", errors);
        }
        return out;
    }

    private int attributes(StoreTx tx, JsonNode array, ArrayNode errors, Instant now) throws SQLException {
        int processed = 0;
        for (int i = 0; i < array.size(); i++) {
            JsonNode o = array.get(i);
            try {
                if (!o.isObject()) {
                    throw new ItemError("each attributes item must be an object");
                }
                Identifier id = Identifier.of(o);
                boolean existingOnly = updateExistingOnly(o, id);
                Optional<UserRow> user = id.findOrCreate(tx, workspace.id(), existingOnly, now);
                if (user.isEmpty()) {
                    throw new ItemError(existingOnly ? "no existing user matches and _update_existing_only is true"
                            : "no user matches this braze_id");
                }
                var edit = new ProfileEdit(user.get());
                AttributeRules.apply(tx, workspace, edit, o, now);
                tx.users().update(edit.toRow(now), now);
                if (o.has("email_subscribe") && edit.emailSubscribe.isPresent() && edit.email.isPresent()) {
                    // Email state is kept by address too, so /email/unsubscribes lists this change like any other.
                    tx.emailAddresses().setSubscription(workspace.id(), edit.email.get(), edit.emailSubscribe.get(),
                            now);
                }
                processed++;
            } catch (ItemError e) {
                errors.add(error(e, "attributes", i));
            }
        }
        return processed;
    }

    private int events(StoreTx tx, JsonNode array, String kind, ArrayNode errors, Instant now) throws SQLException {
        int processed = 0;
        for (int i = 0; i < array.size(); i++) {
            JsonNode o = array.get(i);
            try {
                if (!o.isObject()) {
                    throw new ItemError("each " + kind + " item must be an object");
                }
                Identifier id = Identifier.of(o);
                EventRules.Recorded r = kind.equals("events") ? EventRules.event(o, now) : EventRules.purchase(o, now);
                Optional<UserRow> user = id.findOrCreate(tx, workspace.id(), updateExistingOnly(o, id), now);
                if (user.isEmpty()) {
                    throw new ItemError("no existing user matches");
                }
                tx.users().addEvent(user.get().id(), kind.equals("events") ? "event" : "purchase", r.name(),
                        r.appId(), r.time(), r.data(), now);
                processed++;
            } catch (ItemError e) {
                errors.add(error(e, kind, i));
            }
        }
        return processed;
    }

    private static boolean updateExistingOnly(JsonNode o, Identifier id) throws ItemError {
        JsonNode v = o.get("_update_existing_only");
        if (v == null || v.isNull()) {
            return !id.createsByDefault();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new ItemError("'_update_existing_only' must be a boolean");
    }

    private static ObjectNode error(ItemError e, String array, int index) {
        ObjectNode n = Json.object();
        n.put("type", e.getMessage());
        n.put("input_array", array);
        n.put("index", index);
        return n;
    }
}
