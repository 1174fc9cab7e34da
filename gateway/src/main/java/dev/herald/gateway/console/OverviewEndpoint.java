package dev.herald.gateway.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.Permissions;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.Store;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;

/**
 * {@code GET /herald/v1/admin/overview} (permission {@code herald.admin}): what the console's landing view shows
 * besides usage (which it reads from {@code /herald/v1/usage}): the caller's workspace, its queued deliveries per
 * lane, the store's writer queue, the sends in flight, and its most recent dead letters, newest first.
 */
public final class OverviewEndpoint {
    /** Backlogs are counted up to this; past it the console says "more than". */
    static final long QUEUE_COUNT_CAP = 100_000;
    static final int RECENT_DEAD = 50;

    private record Figures(Map<Lane, Long> queues, List<DeliveryRow> dead) {
    }

    private final Store store;
    private final Clock clock;
    private final IntSupplier inFlight;

    /** The endpoint; {@code inFlight} counts the sends running now (all workspaces: the scheduler is shared). */
    public OverviewEndpoint(Store store, Clock clock, IntSupplier inFlight) {
        this.store = store;
        this.clock = clock;
        this.inFlight = inFlight;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.get("/herald/v1/admin/overview", Access.permission(Permissions.HERALD_ADMIN), this::handle);
    }

    private CompletionStage<ApiResponse> handle(ApiCall call) {
        String ws = call.principal().workspaceId();
        boolean sandbox = call.principal().workspace().sandbox();
        return store.read(tx -> {
            Map<Lane, Long> queues = new EnumMap<>(Lane.class);
            for (Lane lane : Lane.values()) {
                queues.put(lane, tx.deliveries().queuedCount(ws, lane, QUEUE_COUNT_CAP + 1));
            }
            return new Figures(queues, tx.deadLetters().newest(ws, RECENT_DEAD));
        }).thenApply(f -> {
            ObjectNode out = Json.object();
            out.put("message", "success");
            out.put("workspace", ws);
            out.put("sandbox", sandbox);
            out.put("now", clock.instant().toString());
            ObjectNode queues = out.putObject("queues");
            f.queues().forEach((lane, n) -> queues.put(lane.dbName(), n));
            out.put("queue_count_cap", QUEUE_COUNT_CAP);
            out.put("store_write_queue", store.pendingWrites());
            out.put("in_flight", inFlight.getAsInt());
            ArrayNode dead = out.putArray("recent_dead_letters");
            f.dead().forEach(d -> DeliveryJson.deadLetter(dead.addObject(), d));
            return ApiResponse.json(200, out);
        });
    }
}
