package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.delivery.Expander;
import dev.herald.gateway.events.Postbacks;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DeliveryStatus;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Accepts a dispatch durably: the caller's preparatory writes (profile attributes, dedupe keys), the dispatch
 * and, when it is due now and names its recipients, its deliveries, all in one transaction with the call's
 * idempotency record; the 201 is built inside that transaction and returned only after the fsync. Scheduled
 * dispatches and broadcasts are expanded later by the scheduler.
 */
public final class Dispatching {
    /** Work done in the accept transaction before the dispatch is written. */
    @FunctionalInterface
    public interface Before {
        void run(StoreTx tx) throws SQLException;
    }

    private final Store store;
    private final Expander expander;
    private final Postbacks postbacks;
    private final Runnable onAccepted;

    /** Accepts through {@code store}; {@code onAccepted} wakes the scheduler and the event publisher. */
    public Dispatching(Store store, Expander expander, Postbacks postbacks, Runnable onAccepted) {
        this.store = store;
        this.expander = expander;
        this.postbacks = postbacks;
        this.onAccepted = onAccepted;
    }

    /** Writes {@code before}, the dispatch and (if due and not a broadcast) its deliveries; answers 201 with {@code body}. */
    public CompletionStage<ApiResponse> accept(ApiCall call, NewDispatch dispatch, ObjectNode request, Before before,
                                               ObjectNode body) {
        return write(call, r -> dispatch, request, before, body); // its request text is made already
    }

    /**
     * Like {@link #accept(ApiCall, NewDispatch, ObjectNode, Before, ObjectNode)}, for requests that {@code before}
     * completes inside the transaction (recipients resolved by email): the dispatch is made from the final request.
     */
    public CompletionStage<ApiResponse> accept(ApiCall call, Function<String, NewDispatch> dispatchOf,
                                               ObjectNode request, Before before, ObjectNode body) {
        return write(call, r -> dispatchOf.apply(dev.herald.gateway.json.Json.text(r)), request, before, body);
    }

    private CompletionStage<ApiResponse> write(ApiCall call, Function<ObjectNode, NewDispatch> dispatchOf,
                                               ObjectNode request, Before before, ObjectNode body) {
        WorkspaceConfig ws = call.principal().workspace();
        return store.<ApiResponse>writeIngress(tx -> {
            before.run(tx);
            NewDispatch dispatch = dispatchOf.apply(request);
            tx.dispatches().insert(dispatch, call.receivedAt());
            if (!dispatch.notBefore().isAfter(call.receivedAt()) && !isBroadcast(request)) {
                expander.expand(tx, dispatch.toRow(call.receivedAt()), request, ws);
                abortedPostbacks(tx, dispatch, request);
            }
            return Idempotency.remember(tx, call, ApiResponse.json(201, body), Optional.of(dispatch.id()));
        }).thenApply(response -> {
            onAccepted.run();
            return response;
        });
    }

    /** Deliveries aborted at expansion (no emailable address) still owe their postback. */
    private void abortedPostbacks(StoreTx tx, NewDispatch d, JsonNode request) throws SQLException {
        if (!d.kind().equals(Postbacks.TRANSACTIONAL)) {
            return;
        }
        for (DeliveryRow row : tx.deliveries().forDispatch(d.id())) {
            if (row.status() == DeliveryStatus.ABORTED) {
                postbacks.record(tx, d.kind(), request, row, DeliveryStatus.QUEUED, DeliveryStatus.ABORTED,
                        row.lastError());
            }
        }
    }

    /** Whether a request targets an audience rather than listed recipients. */
    public static boolean isBroadcast(JsonNode request) {
        return request.path("broadcast").asBoolean(false) || request.hasNonNull("audience");
    }
}
