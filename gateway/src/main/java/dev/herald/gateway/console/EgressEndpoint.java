package dev.herald.gateway.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.Permissions;
import dev.herald.gateway.delivery.EgressHealth;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code GET /herald/v1/admin/egress} (permission {@code herald.admin}): the egress keys of the caller's workspace
 * that Herald holds state for (a key is known from its first send until an hour idle), each with its circuit breaker,
 * any pause with its reason and end, sends in flight against its limit, and the last provider error.
 */
public final class EgressEndpoint {
    private final Supplier<List<EgressHealth>> health;

    /** The endpoint over the governor's snapshot. */
    public EgressEndpoint(Supplier<List<EgressHealth>> health) {
        this.health = health;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.get("/herald/v1/admin/egress", Access.permission(Permissions.HERALD_ADMIN), this::handle);
    }

    private CompletionStage<ApiResponse> handle(ApiCall call) {
        var own = new WorkspaceEgressKeys(call.principal().workspace());
        ObjectNode out = Json.object();
        out.put("message", "success");
        ArrayNode list = out.putArray("egress");
        for (EgressHealth h : health.get()) {
            if (!own.owns(h.egressKey())) {
                continue;
            }
            ObjectNode n = list.addObject();
            n.put("egress_key", h.egressKey());
            n.put("breaker", h.breaker());
            n.put("paused_until", h.pausedUntil().map(Instant::toString).orElse(null));
            n.put("pause_reason", h.pauseReason().orElse(null));
            n.put("in_flight", h.inFlight());
            n.put("concurrency", h.concurrency());
            n.put("last_error", h.lastError().orElse(null));
            n.put("last_error_at", h.lastErrorAt().map(Instant::toString).orElse(null));
        }
        return CompletableFuture.completedFuture(ApiResponse.json(200, out));
    }
}
