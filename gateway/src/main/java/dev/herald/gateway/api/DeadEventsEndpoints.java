package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.Permissions;
import dev.herald.gateway.events.CurrentsEvents;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StreamEventRow;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The event stream's dead events (permission {@code herald.admin}): {@code GET /herald/v1/dead_events?after=&limit=}
 * lists the caller's workspace's events its connector did not take before their age limit, oldest first, each with
 * the event as it would be sent; {@code POST /herald/v1/dead_events/replay} makes them pending again (up to
 * {@value #REPLAY_PER_CALL} per call, {@code "more": true} when there are more), with their ids and order kept, and
 * answers {@code 202}.
 */
public final class DeadEventsEndpoints {
    static final int MAX_LIMIT = 1000;
    static final int REPLAY_PER_CALL = 10_000;
    private static final int REPLAY_CHUNK = 1000;

    private final Store store;
    private final Clock clock;
    private final Consumer<String> replayed;

    /**
     * @param replayed tells the stream's publisher a workspace's events were replayed
     */
    public DeadEventsEndpoints(Store store, Clock clock, Consumer<String> replayed) {
        this.store = store;
        this.clock = clock;
        this.replayed = replayed;
    }

    /** Both routes. */
    public List<Endpoint> endpoints() {
        Access admin = Access.permission(Permissions.HERALD_ADMIN);
        return List.of(Endpoint.get("/herald/v1/dead_events", admin, this::list),
                Endpoint.post("/herald/v1/dead_events/replay", admin, this::replay));
    }

    private CompletionStage<ApiResponse> list(ApiCall call) {
        ApiRequest q = call.request();
        long after = q.queryParam("after").map(DeadEventsEndpoints::cursor).orElse(0L);
        int limit = q.queryParam("limit").map(raw -> ApiRequest.wholeNumber(raw, MAX_LIMIT,
                "limit must be a whole number from 1 to " + MAX_LIMIT)).orElse(100);
        String ws = call.principal().workspaceId();
        return store.read(tx -> tx.streamEvents().dead(ws, after, limit)).thenApply(rows -> {
            ObjectNode body = Json.object();
            ArrayNode list = body.putArray("dead_events");
            for (StreamEventRow e : rows) {
                ObjectNode o = list.addObject();
                o.put("id", e.id().toString());
                o.put("event_type", e.type());
                o.put("dispatch_id", e.dispatchId());
                o.put("attempts", e.attempts());
                o.put("last_error", e.lastError().orElse(null));
                o.put("created_at", e.createdAt().toString());
                o.set("event", Json.parseOrEmpty(e.payload()));
            }
            if (rows.size() == limit) {
                body.put("next_after", Long.toString(rows.get(rows.size() - 1).position()));
            } else {
                body.putNull("next_after");
            }
            body.put("message", "success");
            return ApiResponse.json(200, body);
        });
    }

    private static long cursor(String raw) {
        try {
            long v = Long.parseLong(raw.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("after must be the next_after of an earlier page");
    }

    private CompletionStage<ApiResponse> replay(ApiCall call) {
        String ws = call.principal().workspaceId();
        return replayChunks(ws, 0).thenApply(n -> {
            if (n > 0) {
                replayed.accept(ws);
            }
            ObjectNode body = Json.object();
            body.put("message", "success");
            body.put("replayed", Math.min(n, REPLAY_PER_CALL));
            body.put("more", n > REPLAY_PER_CALL);
            return ApiResponse.json(202, body);
        });
    }

    /** Replays in chunks of {@value #REPLAY_CHUNK}, one short write each, so the writer is never held long. */
    private CompletableFuture<Integer> replayChunks(String ws, int done) {
        if (done >= REPLAY_PER_CALL) {
            return store.read(tx -> tx.streamEvents().dead(ws, 0, 1).size()).thenApply(left -> done + left);
        }
        Instant now = clock.instant();
        return store.write(tx -> {
                    int n = tx.streamEvents().replayDead(ws, REPLAY_CHUNK, now, now.plus(CurrentsEvents.MAX_AGE));
                    if (n > 0) {
                        tx.streamEvents().retryNow(ws); // the operator says the connector is back: no backoff
                    }
                    return n;
                })
                .thenCompose(n -> n < REPLAY_CHUNK ? CompletableFuture.completedFuture(done + n)
                        : replayChunks(ws, done + n));
    }
}
