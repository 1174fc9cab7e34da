package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.Permissions;
import dev.herald.gateway.braze.SendRequestParser;
import dev.herald.gateway.delivery.Ids;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Lane;
import dev.herald.gateway.store.NewDispatch;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /messages/send}: validates, then stores the dispatch and its deliveries in one durable
 * write; answers 201 {@code {"dispatch_id", "message": "success"}} only after the fsync.
 */
public final class MessagesSendEndpoint {
    private final Dispatching dispatching;
    private final DeliveryConfig delivery;
    private final SendRequestParser parser = SendRequestParser.standard();
    private final Clock clock;

    /** The endpoint. */
    public MessagesSendEndpoint(Dispatching dispatching, DeliveryConfig delivery, Clock clock) {
        this.dispatching = dispatching;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/messages/send", Access.permission(Permissions.MESSAGES_SEND), this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        ObjectNode request = parser.parse(call.body(), call.principal().workspace());
        Instant now = call.receivedAt();
        Lane lane = call.request().header("X-Braze-Bulk").isPresent() || Dispatching.isBroadcast(request)
                ? Lane.BULK : Lane.STANDARD;
        String id = Ids.dispatchId(clock);
        var dispatch = new NewDispatch(id, call.principal().workspaceId(), "messages.send", lane, Json.text(request),
                now, now.plus(delivery.maxAge()), Optional.ofNullable(request.path("campaign_id").textValue()),
                Optional.ofNullable(request.path("send_id").textValue()), Optional.empty());
        ObjectNode body = Json.object();
        body.put("dispatch_id", id);
        body.put("message", "success");
        return dispatching.accept(call, dispatch, request, tx -> { }, body);
    }
}
