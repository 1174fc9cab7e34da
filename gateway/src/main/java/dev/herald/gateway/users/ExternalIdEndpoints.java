package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Braze's external id migration: {@code POST /users/external_ids/rename} (permission
 * {@code users.external_ids.rename}) gives a profile a new primary external id and keeps the old one as a
 * <em>deprecated</em> id that still finds the profile (sends, {@code /users/track}, exports) until
 * {@code POST /users/external_ids/remove} (permission {@code users.external_ids.remove}) takes it away. At most 50
 * items each. Every item is judged on its own, in request order: the ones that hold are applied, the others are
 * reported in {@code rename_errors} / {@code removal_errors} as {@code [index, message]} pairs, as Braze answers.
 */
public final class ExternalIdEndpoints {
    private final Store store;

    /** The endpoints. */
    public ExternalIdEndpoints(Store store) {
        this.store = store;
    }

    /** The routes. */
    public List<Endpoint> endpoints() {
        return List.of(
                Endpoint.post("/users/external_ids/rename", Access.permission("users.external_ids.rename"),
                        this::rename),
                Endpoint.post("/users/external_ids/remove", Access.permission("users.external_ids.remove"),
                        this::remove));
    }

    /** Why one item was refused: its message in the errors array. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    CompletionStage<ApiResponse> rename(ApiCall call) {
        List<JsonNode> items = items(call.body(), "external_id_renames");
        String ws = call.principal().workspaceId();
        Instant now = call.receivedAt();
        return store.writeIngress(tx -> {
            ArrayNode renamed = Json.MAPPER.createArrayNode();
            ArrayNode errors = Json.MAPPER.createArrayNode();
            for (int i = 0; i < items.size(); i++) {
                try {
                    renamed.add(renameOne(tx, ws, items.get(i), now));
                } catch (Refused e) {
                    errors.add(Json.MAPPER.createArrayNode().add(i).add(e.getMessage()));
                }
            }
            ObjectNode out = Json.object();
            out.put("message", "success");
            out.set("external_ids", renamed);
            out.set("rename_errors", errors);
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    private static String renameOne(StoreTx tx, String ws, JsonNode item, Instant now) throws Refused, SQLException {
        String current = id(item.path("current_external_id"), "current_external_id");
        String next = id(item.path("new_external_id"), "new_external_id");
        if (current.equals(next)) {
            throw new Refused("'current_external_id' and 'new_external_id' cannot be the same");
        }
        Optional<UserRow> user = tx.users().byPrimaryExternalId(ws, current);
        if (user.isEmpty()) {
            throw new Refused(tx.users().isDeprecatedExternalId(ws, current)
                    ? "'current_external_id' " + current + " is a deprecated ID; rename the user's primary ID"
                    : "'current_external_id' " + current + " does not exist");
        }
        if (tx.users().byExternalId(ws, next).isPresent()) {
            throw new Refused("'new_external_id' " + next + " is already in use as a primary or deprecated ID");
        }
        UserRow u = user.get();
        tx.users().update(new UserRow(u.id(), u.workspace(), u.brazeId(), Optional.of(next), u.email(),
                u.emailInvalid(), u.phone(), u.phoneInvalid(), u.emailSubscribe(), u.pushSubscribe(), u.timeZone(),
                u.profile(), u.custom(), u.createdAt(), now), now);
        tx.users().deprecateExternalId(ws, current, u.id(), now);
        return current;
    }

    CompletionStage<ApiResponse> remove(ApiCall call) {
        List<JsonNode> items = items(call.body(), "external_ids");
        String ws = call.principal().workspaceId();
        return store.writeIngress(tx -> {
            ArrayNode removed = Json.MAPPER.createArrayNode();
            ArrayNode errors = Json.MAPPER.createArrayNode();
            for (int i = 0; i < items.size(); i++) {
                try {
                    String id = id(items.get(i), "external_ids[" + i + "]");
                    if (tx.users().removeDeprecatedExternalId(ws, id)) {
                        removed.add(id);
                    } else if (tx.users().byPrimaryExternalId(ws, id).isPresent()) {
                        throw new Refused(id + " is a primary external ID; only deprecated IDs can be removed");
                    } else {
                        throw new Refused(id + " is not a deprecated external ID");
                    }
                } catch (Refused e) {
                    errors.add(Json.MAPPER.createArrayNode().add(i).add(e.getMessage()));
                }
            }
            ObjectNode out = Json.object();
            out.put("message", "success");
            out.set("removed_ids", removed);
            out.set("removal_errors", errors);
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    /** The request's array: Braze refuses a missing or empty one, or one of more than 50, as a whole. */
    private static List<JsonNode> items(JsonNode body, String field) {
        List<JsonNode> items = UsersDeleteEndpoint.array(body, field);
        if (items.isEmpty()) {
            throw ApiException.badRequest("'" + field + "' must be a non-empty array");
        }
        if (items.size() > UsersDeleteEndpoint.MAX_IDS) {
            throw new ApiException(400, "The max number of ids per request was exceeded",
                    List.of(items.size() + " items given, at most " + UsersDeleteEndpoint.MAX_IDS + " allowed"));
        }
        return items;
    }

    private static String id(JsonNode v, String field) throws Refused {
        if (!v.isTextual()) {
            throw new Refused("'" + field + "' must be a non-empty string");
        }
        Optional<String> problem = Lenient.identifierProblem(v.asText());
        if (problem.isPresent()) {
            throw new Refused("'" + field + "' " + problem.get());
        }
        return v.asText();
    }
}
