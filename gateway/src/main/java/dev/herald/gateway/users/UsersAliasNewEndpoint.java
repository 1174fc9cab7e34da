package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.UserRow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /users/alias/new} (permission {@code users.alias.new}): adds an alias to the profile with the given
 * external id, or creates an alias-only profile. At most 50 aliases.
 */
public final class UsersAliasNewEndpoint {
    private final Store store;

    /** The endpoint. */
    public UsersAliasNewEndpoint(Store store) {
        this.store = store;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/users/alias/new", Access.permission("users.alias.new"), this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        List<JsonNode> aliases = UsersDeleteEndpoint.array(call.body(), "user_aliases");
        if (aliases.isEmpty()) {
            throw ApiException.badRequest("user_aliases is required");
        }
        if (aliases.size() > UsersDeleteEndpoint.MAX_IDS) {
            throw new ApiException(400, "The max number of ids per request was exceeded",
                    List.of(aliases.size() + " aliases given, at most 50 allowed"));
        }
        String ws = call.principal().workspaceId();
        Instant now = call.receivedAt();
        return store.writeIngress(tx -> {
            ArrayNode errors = Json.MAPPER.createArrayNode();
            int done = 0;
            for (int i = 0; i < aliases.size(); i++) {
                JsonNode a = aliases.get(i);
                String name = a.path("alias_name").asText("");
                String label = a.path("alias_label").asText("");
                if (!a.path("alias_name").isTextual() || !a.path("alias_label").isTextual() || name.isBlank()
                        || label.isBlank()) {
                    errors.add(error("alias_name and alias_label are required strings", i));
                    continue;
                }
                Optional<UserRow> owner;
                if (a.hasNonNull("external_id")) {
                    owner = tx.users().byExternalId(ws, a.get("external_id").asText());
                    if (owner.isEmpty()) {
                        errors.add(error("no user has external_id " + a.get("external_id").asText(), i));
                        continue;
                    }
                } else {
                    owner = tx.users().byAlias(ws, label, name);
                    if (owner.isEmpty()) {
                        owner = Optional.of(tx.users().create(ws, Optional.empty(), now));
                    }
                }
                tx.users().putAlias(ws, label, name, owner.get().id());
                done++;
            }
            ObjectNode out = Json.object();
            out.put("aliases_processed", done);
            out.put("message", "success");
            if (!errors.isEmpty()) {
                out.set("errors", errors);
            }
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    private static ObjectNode error(String type, int index) {
        ObjectNode n = Json.object();
        n.put("type", type);
        n.put("input_array", "user_aliases");
        n.put("index", index);
        return n;
    }
}
