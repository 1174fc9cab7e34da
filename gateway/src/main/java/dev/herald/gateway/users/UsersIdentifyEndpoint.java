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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /users/identify} (permission {@code users.identify}): folds alias-, email- or phone-only profiles
 * into the profile with an external id. When no such profile exists yet, the anonymous one simply gains the
 * external id. At most 50 objects.
 */
public final class UsersIdentifyEndpoint {
    private final Store store;

    /** The endpoint. */
    public UsersIdentifyEndpoint(Store store) {
        this.store = store;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/users/identify", Access.permission("users.identify"), this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        JsonNode body = call.body();
        List<JsonNode> aliases = UsersDeleteEndpoint.array(body, "aliases_to_identify");
        List<JsonNode> emails = UsersDeleteEndpoint.array(body, "emails_to_identify");
        List<JsonNode> phones = UsersDeleteEndpoint.array(body, "phone_numbers_to_identify");
        int total = aliases.size() + emails.size() + phones.size();
        if (total == 0) {
            throw ApiException.badRequest("Give aliases_to_identify, emails_to_identify or phone_numbers_to_identify");
        }
        if (total > UsersDeleteEndpoint.MAX_IDS) {
            throw new ApiException(400, "The max number of ids per request was exceeded",
                    List.of(total + " objects given, at most 50 allowed"));
        }
        for (JsonNode a : aliases) {
            UsersDeleteEndpoint.text(a.path("external_id"), "aliases_to_identify.external_id");
            if (!a.path("user_alias").path("alias_name").isTextual() || !a.path("user_alias").path("alias_label")
                    .isTextual()) {
                throw ApiException.badRequest("aliases_to_identify.user_alias must have alias_name and alias_label");
            }
        }
        emails.forEach(e -> UsersDeleteEndpoint.text(e.path("email"), "emails_to_identify.email"));
        phones.forEach(p -> UsersDeleteEndpoint.text(p.path("phone"), "phone_numbers_to_identify.phone"));
        String ws = call.principal().workspaceId();
        Instant now = call.receivedAt();
        return store.writeIngress(tx -> {
            ObjectNode out = Json.object();
            int done = 0;
            for (JsonNode a : aliases) {
                String label = a.path("user_alias").path("alias_label").asText();
                String name = a.path("user_alias").path("alias_name").asText();
                String external = a.path("external_id").asText();
                Optional<UserRow> source = tx.users().byAlias(ws, label, name);
                Optional<UserRow> target = tx.users().byExternalId(ws, external);
                done += identify(tx, ws, source, target, external, now);
                if (target.isPresent() && source.isEmpty()) {
                    tx.users().putAlias(ws, label, name, target.get().id());
                }
            }
            out.put("aliases_processed", done);
            if (!emails.isEmpty()) {
                out.put("emails_processed", byAddress(tx, ws, emails, "email", now));
            }
            if (!phones.isEmpty()) {
                out.put("phone_numbers_processed", byAddress(tx, ws, phones, "phone", now));
            }
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(201, out), Optional.empty());
        });
    }

    private static int byAddress(StoreTx tx, String ws, List<JsonNode> items, String column, Instant now)
            throws SQLException {
        int done = 0;
        for (JsonNode item : items) {
            String value = item.path(column).asText().trim();
            if (column.equals("email")) {
                value = value.toLowerCase(java.util.Locale.ROOT);
            }
            String external = item.path("external_id").asText();
            Optional<UserRow> source = UserLookup.byEmailOrPhone(tx, ws, column, value, item.path("prioritization"),
                    "unidentified");
            done += identify(tx, ws, source, tx.users().byExternalId(ws, external), external, now);
        }
        return done;
    }

    private static int identify(StoreTx tx, String ws, Optional<UserRow> source, Optional<UserRow> target,
                                String externalId, Instant now) throws SQLException {
        if (source.isPresent() && source.get().externalId().isEmpty()) {
            if (target.isPresent()) {
                Merges.merge(tx, source.get(), target.get(), now);
            } else {
                Merges.identify(tx, source.get(), externalId, now);
            }
            return 1;
        }
        return target.isPresent() ? 1 : 0;
    }
}
