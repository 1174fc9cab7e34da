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
import dev.herald.gateway.store.UserRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /users/merge} (permission {@code users.merge}): up to 50 {@code merge_updates}, each folding the user
 * of {@code identifier_to_merge} into the user of {@code identifier_to_keep} ({@link UserMerge}). Braze merges
 * asynchronously and answers {@code 202}; Herald merges before it answers, so an export right after the 202 already
 * shows the result. A malformed request is refused whole with Braze's messages; an update whose users do not both
 * exist (or are the same user) changes nothing, as Braze reports no per-update outcome.
 */
public final class UsersMergeEndpoint {
    static final int MAX_UPDATES = 50;
    static final String NOT_AN_ARRAY = "'merge_updates' must be an array of objects";
    static final String TOO_MANY = "a single request may not contain more than 50 merge updates";
    static final String ONLY_TWO = "'merge_updates' must only have 'identifier_to_merge' and 'identifier_to_keep'";
    private static final Set<String> KEYS = Set.of("identifier_to_merge", "identifier_to_keep");

    private final Store store;

    /** The endpoint. */
    public UsersMergeEndpoint(Store store) {
        this.store = store;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/users/merge", Access.permission("users.merge"), this::handle);
    }

    private record MergeUpdate(MergeIdentifier toMerge, MergeIdentifier toKeep) {
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        List<MergeUpdate> updates = parse(call.body());
        String ws = call.principal().workspaceId();
        Instant now = call.receivedAt();
        return store.writeIngress(tx -> {
            for (MergeUpdate u : updates) {
                Optional<UserRow> merged = u.toMerge().find(tx, ws);
                Optional<UserRow> kept = u.toKeep().find(tx, ws);
                if (merged.isPresent() && kept.isPresent() && merged.get().id() != kept.get().id()) {
                    UserMerge.into(tx, merged.get(), kept.get(), now);
                }
            }
            ObjectNode out = Json.object();
            out.put("message", "success");
            return Idempotency.remember(tx, call, ApiResponse.json(202, out), Optional.empty());
        });
    }

    private static List<MergeUpdate> parse(JsonNode body) {
        JsonNode array = body.get("merge_updates");
        if (array == null || !array.isArray()) {
            throw ApiException.badRequest(NOT_AN_ARRAY);
        }
        if (array.size() > MAX_UPDATES) {
            throw ApiException.badRequest(TOO_MANY);
        }
        List<MergeUpdate> out = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isObject()) {
                throw ApiException.badRequest(NOT_AN_ARRAY);
            }
            for (var names = item.fieldNames(); names.hasNext(); ) {
                if (!KEYS.contains(names.next())) {
                    throw ApiException.badRequest(ONLY_TWO);
                }
            }
            out.add(new MergeUpdate(MergeIdentifier.of(item.get("identifier_to_merge")),
                    MergeIdentifier.of(item.get("identifier_to_keep"))));
        }
        return out;
    }
}
