package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /users/delete} (permission {@code users.delete}): at most 50 identifiers; each matching profile is
 * removed with its aliases, tokens, subscriptions and events, its pending deliveries end {@code aborted} and the
 * addresses of all its deliveries are scrubbed. Answers {@code {"deleted": n}}.
 */
public final class UsersDeleteEndpoint {
    static final int MAX_IDS = 50;

    private final Store store;

    /** The endpoint. */
    public UsersDeleteEndpoint(Store store) {
        this.store = store;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/users/delete", Access.permission("users.delete"), this::handle);
    }

    private interface Finder {
        Optional<UserRow> find(StoreTx tx, String workspace) throws SQLException;
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        List<Finder> finders = finders(call.body());
        if (finders.isEmpty()) {
            throw ApiException.badRequest("No identifiers: give external_ids, user_aliases, braze_ids, email_addresses "
                    + "or phone_numbers");
        }
        if (finders.size() > MAX_IDS) {
            throw new ApiException(400, "The max number of ids per request was exceeded",
                    List.of(finders.size() + " identifiers given, at most " + MAX_IDS + " allowed"));
        }
        String ws = call.principal().workspaceId();
        Instant now = call.receivedAt();
        return store.writeIngress(tx -> {
            Map<Long, UserRow> users = new LinkedHashMap<>();
            for (Finder f : finders) {
                f.find(tx, ws).ifPresent(u -> users.putIfAbsent(u.id(), u));
            }
            for (UserRow u : users.values()) {
                tx.deliveries().forgetUser(u.id(), now);
                tx.users().delete(u.id());
            }
            ObjectNode out = Json.object();
            out.put("deleted", users.size());
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    private static List<Finder> finders(JsonNode body) {
        List<Finder> out = new ArrayList<>();
        for (JsonNode id : array(body, "external_ids")) {
            String v = text(id, "external_ids");
            out.add((tx, ws) -> tx.users().byExternalId(ws, v));
        }
        for (JsonNode id : array(body, "braze_ids")) {
            String v = text(id, "braze_ids");
            out.add((tx, ws) -> tx.users().byBrazeId(ws, v));
        }
        for (JsonNode a : array(body, "user_aliases")) {
            if (!a.path("alias_name").isTextual() || !a.path("alias_label").isTextual()) {
                throw ApiException.badRequest("user_aliases must be objects with alias_name and alias_label strings");
            }
            String label = a.get("alias_label").asText();
            String name = a.get("alias_name").asText();
            out.add((tx, ws) -> tx.users().byAlias(ws, label, name));
        }
        for (JsonNode e : array(body, "email_addresses")) {
            String email = (e.isObject() ? text(e.path("email"), "email_addresses.email") : text(e, "email_addresses"))
                    .trim().toLowerCase(java.util.Locale.ROOT);
            JsonNode prio = e.path("prioritization");
            out.add((tx, ws) -> UserLookup.byEmailOrPhone(tx, ws, "email", email, prio, ""));
        }
        for (JsonNode p : array(body, "phone_numbers")) {
            String phone = (p.isObject() ? text(p.path("phone"), "phone_numbers.phone") : text(p, "phone_numbers")).trim();
            JsonNode prio = p.path("prioritization");
            out.add((tx, ws) -> UserLookup.byEmailOrPhone(tx, ws, "phone", phone, prio, ""));
        }
        return out;
    }

    static List<JsonNode> array(JsonNode body, String field) {
        JsonNode a = body.get(field);
        if (a == null || a.isNull()) {
            return List.of();
        }
        if (!a.isArray()) {
            throw ApiException.badRequest(field + " must be an array");
        }
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        return out;
    }

    static String text(JsonNode v, String field) {
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.badRequest(field + " must hold non-empty strings");
        }
        return v.asText();
    }
}
