package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.store.Store;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /users/track} (permission {@code users.track}): attributes, events and purchases, at most 75 of
 * each per request; durable before the 201. {@code X-Braze-Bulk} is accepted.
 */
public final class UsersTrackEndpoint {
    static final int MAX_PER_ARRAY = 75;
    static final String MAX_INPUT = "Max Input Length Exceeded";

    private final Store store;

    /** The endpoint. */
    public UsersTrackEndpoint(Store store) {
        this.store = store;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/users/track", Access.permission("users.track"), this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        JsonNode body = call.body();
        boolean any = false;
        for (String array : List.of("attributes", "events", "purchases")) {
            JsonNode a = body.get(array);
            if (a == null || a.isNull()) {
                continue;
            }
            if (!a.isArray()) {
                throw ApiException.badRequest(array + " must be an array of objects");
            }
            if (a.size() > MAX_PER_ARRAY) {
                throw new ApiException(400, MAX_INPUT, List.of(array + " has " + a.size() + " objects, at most "
                        + MAX_PER_ARRAY + " are allowed"));
            }
            any = true;
        }
        if (!any) {
            throw ApiException.badRequest("Bad Request: give at least one of attributes, events or purchases");
        }
        WorkspaceConfig ws = call.principal().workspace();
        var processor = new TrackProcessor(ws);
        return store.writeIngress(tx -> Idempotency.remember(tx, call, ApiResponse.json(201,
                processor.apply(tx, body, call.receivedAt())), java.util.Optional.empty()));
    }
}
