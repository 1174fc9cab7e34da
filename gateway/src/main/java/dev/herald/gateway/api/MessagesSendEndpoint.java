package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.Permissions;
import dev.herald.gateway.delivery.Expander;
import dev.herald.gateway.delivery.Ids;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Json;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.Lane;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /messages/send}: validates, then stores the dispatch and its deliveries in one durable
 * write; answers 201 {@code {"dispatch_id", "message": "success"}} only after the fsync.
 */
public final class MessagesSendEndpoint {
    private final Store store;
    private final Expander expander;
    private final DeliveryConfig delivery;
    private final SendRequestParser parser = SendRequestParser.standard();
    private final Runnable onAccepted;
    private final Clock clock;

    /** The endpoint; {@code onAccepted} runs after each durable accept (it wakes the scheduler). */
    public MessagesSendEndpoint(Store store, Expander expander, DeliveryConfig delivery, Clock clock,
                                Runnable onAccepted) {
        this.clock = clock;
        this.store = store;
        this.expander = expander;
        this.delivery = delivery;
        this.onAccepted = onAccepted;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/messages/send", Access.permission(Permissions.MESSAGES_SEND), this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        ObjectNode request = parser.parse(call.body(), call.principal().workspace());
        Instant now = call.receivedAt();
        Lane lane = call.request().header("X-Braze-Bulk").isPresent() ? Lane.BULK : Lane.STANDARD;
        String id = Ids.dispatchId(clock);
        String json = Json.text(request);
        var dispatch = new NewDispatch(id, call.principal().workspaceId(), "messages.send", lane, json, now,
                now.plus(delivery.maxAge()), Optional.ofNullable(request.path("campaign_id").textValue()),
                Optional.ofNullable(request.path("send_id").textValue()), Optional.empty());
        var row = dispatch.toRow(now);
        return store.writeIngress(tx -> {
            tx.dispatches().insert(dispatch, now);
            expander.expand(tx, row, request, call.principal().workspace());
            return null;
        }).thenApply(done -> {
            onAccepted.run();
            ObjectNode body = Json.object();
            body.put("dispatch_id", id);
            body.put("message", "success");
            return ApiResponse.json(201, body);
        });
    }
}
