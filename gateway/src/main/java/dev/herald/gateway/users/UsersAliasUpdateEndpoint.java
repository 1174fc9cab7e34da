package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /users/alias/update} (permission {@code users.alias.update}): up to 50 {@code alias_updates}, each
 * renaming the alias {@code alias_label} / {@code old_alias_name} to {@code new_alias_name} on the profile that has
 * it. An old alias nobody has changes nothing (as Braze documents). Braze documents no per-item errors for this
 * endpoint, so a request with a malformed update, or one whose new name another profile's alias already has, is
 * refused whole and changes nothing.
 */
public final class UsersAliasUpdateEndpoint {
    private final Store store;

    /** The endpoint. */
    public UsersAliasUpdateEndpoint(Store store) {
        this.store = store;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/users/alias/update", Access.permission("users.alias.update"), this::handle);
    }

    private record AliasUpdate(String label, String oldName, String newName) {
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        List<AliasUpdate> updates = parse(call.body());
        String ws = call.principal().workspaceId();
        return store.writeIngress(tx -> {
            // In request order: a later update sees the earlier ones (a → b, then b → c). Any refusal throws, and
            // the store rolls the whole request back.
            for (int i = 0; i < updates.size(); i++) {
                AliasUpdate u = updates.get(i);
                if (u.oldName().equals(u.newName())) {
                    continue;
                }
                var owner = tx.users().byAlias(ws, u.label(), u.oldName());
                if (owner.isEmpty()) {
                    continue;
                }
                var holder = tx.users().byAlias(ws, u.label(), u.newName());
                if (holder.isPresent()) {
                    throw new ApiException(400, "alias_updates[" + i + "]: the alias " + u.label() + " / "
                            + u.newName() + " already exists; nothing was updated", List.of());
                }
                tx.users().renameAlias(ws, u.label(), u.oldName(), u.newName());
            }
            ObjectNode out = Json.object();
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    private static List<AliasUpdate> parse(JsonNode body) {
        List<JsonNode> items = UsersDeleteEndpoint.array(body, "alias_updates");
        if (items.isEmpty()) {
            throw ApiException.badRequest("alias_updates is required");
        }
        if (items.size() > UsersDeleteEndpoint.MAX_IDS) {
            throw new ApiException(400, "The max number of ids per request was exceeded",
                    List.of(items.size() + " alias updates given, at most 50 allowed"));
        }
        List<AliasUpdate> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode a = items.get(i);
            String where = "alias_updates[" + i + "]";
            if (!a.isObject()) {
                throw ApiException.badRequest(where + " must be an object with alias_label, old_alias_name and "
                        + "new_alias_name");
            }
            out.add(new AliasUpdate(field(a, where, "alias_label"), field(a, where, "old_alias_name"),
                    field(a, where, "new_alias_name")));
        }
        return out;
    }

    private static String field(JsonNode update, String where, String name) {
        String path = where + "." + name;
        return Lenient.identifier(UsersDeleteEndpoint.text(update.path(name), path), path);
    }
}
