package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /users/export/ids} (permission {@code users.export.ids}): the profiles named by up to 50
 * {@code external_ids} and {@code user_aliases}, a {@code braze_id}, and one of {@code device_id},
 * {@code email_address} or {@code phone} (every profile with that device, address or number), as Braze's export
 * objects ({@link UserExport}) with the {@code fields_to_export} asked for, all of them by default. A deprecated
 * external id finds its renamed profile. Identifiers that find nobody are listed in {@code invalid_user_ids}. A read:
 * it changes nothing.
 */
public final class UsersExportIdsEndpoint {
    private final Store store;

    /** The endpoint. */
    public UsersExportIdsEndpoint(Store store) {
        this.store = store;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/users/export/ids", Access.permission("users.export.ids"), this::handle);
    }

    /** One identifier of the request: how it finds profiles, and how it is named in {@code invalid_user_ids}. */
    private interface Lookup {
        List<UserRow> find(StoreTx tx, String workspace) throws SQLException;
    }

    private record Named(String name, Lookup lookup) {
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        JsonNode body = call.body();
        List<Named> lookups = lookups(body);
        Set<String> fields = fields(body);
        WorkspaceConfig ws = call.principal().workspace();
        return store.read(tx -> {
            Map<Long, UserRow> users = new LinkedHashMap<>();
            Set<String> invalid = new LinkedHashSet<>();
            for (Named n : lookups) {
                List<UserRow> found = n.lookup().find(tx, ws.id());
                if (found.isEmpty()) {
                    invalid.add(n.name());
                }
                found.forEach(u -> users.putIfAbsent(u.id(), u));
            }
            ObjectNode out = Json.object();
            ArrayNode list = out.putArray("users");
            for (UserRow u : users.values()) {
                list.add(UserExport.of(tx, ws, u, fields));
            }
            if (!invalid.isEmpty()) {
                ArrayNode names = out.putArray("invalid_user_ids");
                invalid.forEach(names::add);
            }
            out.put("message", "success");
            return ApiResponse.json(201, out);
        });
    }

    private static List<Named> lookups(JsonNode body) {
        List<Named> out = new ArrayList<>();
        List<JsonNode> externalIds = UsersDeleteEndpoint.array(body, "external_ids");
        List<JsonNode> aliases = UsersDeleteEndpoint.array(body, "user_aliases");
        if (externalIds.size() + aliases.size() > UsersDeleteEndpoint.MAX_IDS) {
            throw new ApiException(400, "The max number of external_ids and aliases per request was exceeded",
                    List.of((externalIds.size() + aliases.size()) + " given, at most 50 allowed"));
        }
        for (JsonNode v : externalIds) {
            String id = identifier(v, "external_ids");
            out.add(new Named(id, (tx, ws) -> tx.users().byExternalId(ws, id).stream().toList()));
        }
        for (JsonNode a : aliases) {
            if (!a.isObject()) {
                throw ApiException.badRequest("user_aliases must be objects with alias_name and alias_label strings");
            }
            String label = identifier(a.path("alias_label"), "user_aliases.alias_label");
            String name = identifier(a.path("alias_name"), "user_aliases.alias_name");
            out.add(new Named(name, (tx, ws) -> tx.users().byAlias(ws, label, name).stream().toList()));
        }
        if (body.hasNonNull("braze_id")) {
            String id = identifier(body.get("braze_id"), "braze_id");
            out.add(new Named(id, (tx, ws) -> tx.users().byBrazeId(ws, id).stream().toList()));
        }
        int single = 0;
        if (body.hasNonNull("device_id")) {
            single++;
            String id = identifier(body.get("device_id"), "device_id");
            out.add(new Named(id, (tx, ws) -> tx.users().byDeviceId(ws, id)));
        }
        if (body.hasNonNull("email_address")) {
            single++;
            String email = identifier(body.get("email_address"), "email_address").trim().toLowerCase(Locale.ROOT);
            out.add(new Named(email, (tx, ws) -> tx.users().allBy(ws, "email", email)));
        }
        if (body.hasNonNull("phone")) {
            single++;
            String phone = identifier(body.get("phone"), "phone").trim();
            out.add(new Named(phone, (tx, ws) -> tx.users().allBy(ws, "phone", phone)));
        }
        if (single > 1) {
            throw ApiException.badRequest("Only one of device_id, email_address or phone may be given per request");
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest("Give external_ids, user_aliases, braze_id, device_id, email_address or phone");
        }
        return out;
    }

    /** The fields asked for (empty: all); a name Braze does not know is a 400, one Herald cannot fill is left out. */
    private static Set<String> fields(JsonNode body) {
        Set<String> fields = new LinkedHashSet<>();
        Set<String> unknown = new TreeSet<>();
        for (JsonNode f : UsersDeleteEndpoint.array(body, "fields_to_export")) {
            if (!f.isTextual()) {
                throw ApiException.badRequest("fields_to_export must hold strings");
            }
            (UserExport.BRAZE_FIELDS.contains(f.asText()) ? fields : unknown).add(f.asText());
        }
        if (!unknown.isEmpty()) {
            // Quoted as JSON strings, so a name with control characters cannot garble the message.
            throw new ApiException(400, "Invalid fields_to_export: " + String.join(", ", unknown.stream().limit(5)
                    .map(n -> Json.MAPPER.getNodeFactory().textNode(n).toString()).toList()), List.of());
        }
        return fields;
    }

    private static String identifier(JsonNode v, String field) {
        if (!v.isTextual()) {
            throw ApiException.badRequest(field + " must hold non-empty strings");
        }
        return Lenient.identifier(v.asText(), field);
    }
}
