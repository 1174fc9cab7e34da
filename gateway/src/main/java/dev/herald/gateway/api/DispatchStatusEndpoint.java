package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchStatus;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.Store;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * {@code GET /herald/v1/dispatches/{dispatch_id}}: a dispatch and its deliveries with their states. Any key
 * of the owning workspace may read it; another workspace gets 404, as if it did not exist. {@code counts} tallies
 * every delivery by state; the list is paged ({@code limit} up to {@value #PAGE}, then {@code after=<next_after>})
 * so a broadcast's status stays small.
 */
public final class DispatchStatusEndpoint {
    static final int PAGE = 1000;

    private record Snapshot(DispatchRow dispatch, List<DeliveryRow> deliveries, Map<DeliveryStatus, Long> counts,
                            boolean more) {
    }

    private final Store store;
    private final Clock clock;
    private final Predicate<UUID> sending;

    /** The endpoint; {@code sending} tells which deliveries have an attempt running right now. */
    public DispatchStatusEndpoint(Store store, Clock clock, Predicate<UUID> sending) {
        this.store = store;
        this.clock = clock;
        this.sending = sending;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.get("/herald/v1/dispatches/{dispatch_id}", new Access.AnyKey(), this::handle);
    }

    CompletionStage<ApiResponse> handle(ApiCall call) {
        String id = call.pathParam("dispatch_id");
        String workspace = call.principal().workspaceId();
        Optional<String> after = call.request().queryParam("after").filter(a -> !a.isBlank());
        int limit = call.request().queryParam("limit")
                .map(raw -> ApiRequest.wholeNumber(raw, PAGE, "limit must be a whole number from 1 to " + PAGE))
                .orElse(PAGE);
        return store.read(tx -> {
            Optional<DispatchRow> d = tx.dispatches().find(id).filter(r -> r.workspace().equals(workspace));
            if (d.isEmpty()) {
                return null;
            }
            List<DeliveryRow> page = tx.deliveries().page(id, after, limit + 1);
            boolean more = page.size() > limit;
            return new Snapshot(d.get(), more ? page.subList(0, limit) : page, tx.deliveries().counts(id), more);
        }).thenApply(snapshot -> {
            if (snapshot == null) {
                throw new ApiException(404, "Dispatch not found: " + id);
            }
            return ApiResponse.json(200, render(snapshot));
        });
    }

    private ObjectNode render(Snapshot s) {
        ObjectNode out = Json.object();
        out.put("dispatch_id", s.dispatch().id());
        out.put("status", status(s));
        out.put("created_at", s.dispatch().createdAt().toString());
        s.dispatch().campaignId().ifPresent(c -> out.put("campaign_id", c));
        s.dispatch().sendId().ifPresent(c -> out.put("send_id", c));
        ObjectNode counts = out.putObject("counts");
        s.counts().forEach((status, n) -> counts.put(status.dbName(), n));
        ArrayNode list = out.putArray("deliveries");
        for (DeliveryRow d : s.deliveries()) {
            ObjectNode n = list.addObject();
            n.put("id", d.id().toString());
            n.put("channel", d.channel().wireName());
            n.put("recipient", d.recipient());
            n.put("address", d.address());
            boolean running = d.status() == DeliveryStatus.QUEUED && sending.test(d.id());
            n.put("status", running ? DeliveryStatus.SENDING.dbName() : d.status().dbName());
            n.put("attempts", d.attempts());
            n.put("last_error", d.lastError().orElse(null));
            n.put("provider_message_id", d.providerMessageId().orElse(null));
            n.put("updated_at", d.updatedAt().toString());
            if (d.status() == DeliveryStatus.QUEUED && !running) {
                n.put("next_attempt_at", d.nextAttemptAt().toString());
            }
            d.detail().ifPresent(detail -> n.set("payload", parseOrText(detail)));
        }
        if (s.more()) {
            out.put("next_after", s.deliveries().getLast().id().toString());
        }
        out.put("message", "success");
        return out;
    }

    private String status(Snapshot s) {
        if (s.dispatch().status() == DispatchStatus.ACCEPTED) {
            return s.dispatch().notBefore().isAfter(clock.instant()) ? "scheduled" : "accepted";
        }
        boolean pending = s.counts().keySet().stream().anyMatch(st -> !st.isFinished());
        return pending ? "in_progress" : "completed";
    }

    private static JsonNode parseOrText(String detail) {
        try {
            return Json.parse(detail);
        } catch (Exception e) {
            return Json.MAPPER.getNodeFactory().textNode(detail);
        }
    }
}
