package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.Permissions;
import dev.herald.gateway.braze.SendRequestParser;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.store.NewDispatch;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /messages/send}: brings in the email template and Content Blocks it names ({@link StoredContent}),
 * validates, then stores the dispatch and its deliveries in one durable
 * write; answers 201 {@code {"dispatch_id", "message": "success"}} only after the fsync.
 */
public final class MessagesSendEndpoint {
    private final Dispatching dispatching;
    private final StoredContent content;
    private final DeliveryConfig delivery;
    private final Clock clock;

    /** The endpoint; {@code content} brings in email templates and Content Blocks the request names. */
    public MessagesSendEndpoint(Dispatching dispatching, StoredContent content, DeliveryConfig delivery, Clock clock) {
        this.dispatching = dispatching;
        this.content = content;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.post("/messages/send", Access.permission(Permissions.MESSAGES_SEND), this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        return content.resolveBody(call.body(), call.principal().workspaceId()).thenCompose(body -> accept(call, body));
    }

    private CompletionStage<ApiResponse> accept(ApiCall call, com.fasterxml.jackson.databind.JsonNode resolved) {
        DispatchSpec spec = SendRequestParser.parse(resolved, call.principal().workspace());
        Instant now = call.receivedAt();
        String id = Ids.dispatchId(clock);
        var dispatch = new NewDispatch(id, call.principal().workspaceId(), DispatchKind.MESSAGES_SEND, lane(call, spec),
                spec, now, now.plus(delivery.maxAge()), spec.campaignId(), spec.sendId(), Optional.empty());
        ObjectNode body = Json.object();
        body.put("dispatch_id", id);
        body.put("message", "success");
        return dispatching.accept(call, dispatch, Dispatching.Before.NOTHING, body);
    }

    /** {@code X-Braze-Bulk} (any value) and anything sent to an audience go in the bulk lane. */
    static Lane lane(ApiCall call, DispatchSpec spec) {
        return call.request().header("X-Braze-Bulk").isPresent() || spec.targetsAudience() ? Lane.BULK : Lane.STANDARD;
    }
}
