package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.delivery.Expander;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.model.StoredSpec;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Accepts a dispatch durably: the caller's preparatory writes (profile attributes, dedupe keys), the dispatch
 * and, when it is due now and lists its recipients, its deliveries, all in one transaction with the call's
 * idempotency record; the 201 is built inside that transaction and returned only after the fsync. Scheduled
 * dispatches and broadcasts are expanded later by the scheduler.
 */
public final class Dispatching {
    /** Work done in the accept transaction before the dispatch is written. */
    @FunctionalInterface
    public interface Before {
        /** Nothing. */
        Before NOTHING = tx -> { };

        void run(StoreTx tx) throws SQLException;
    }

    private final Store store;
    private final Expander expander;
    private final Runnable onAccepted;
    private final Runnable onEvents;

    /** The answer to an accept, and whether its transaction added events to publish. */
    private record Accepted(ApiResponse response, boolean events) {
    }

    /**
     * Accepts through {@code store}; {@code onAccepted} wakes the scheduler after every accept, {@code onEvents} the
     * event publisher after an accept that added events (deliveries aborted at once), and only then: waking it for
     * every accept cost a claim of events on the single writer per accept.
     */
    public Dispatching(Store store, Expander expander, Runnable onAccepted, Runnable onEvents) {
        this.store = store;
        this.expander = expander;
        this.onAccepted = onAccepted;
        this.onEvents = onEvents;
    }

    /** Writes {@code before}, the dispatch and (if due and not a broadcast) its deliveries; answers 201 with {@code body}. */
    public CompletionStage<ApiResponse> accept(ApiCall call, NewDispatch dispatch, Before before, ObjectNode body) {
        WorkspaceConfig ws = call.principal().workspace();
        boolean expandNow = !dispatch.notBefore().isAfter(call.receivedAt()) && !dispatch.spec().broadcast();
        // Encoded here, not on the single writer.
        StoredSpec spec = StoredSpec.of(dispatch.spec());
        ApiResponse created = ApiResponse.json(201, body);
        CompletableFuture<Accepted> accepted;
        if (expandNow && before == Before.NOTHING) {
            // The recipients' profiles and tokens are looked up on a read connection first, so the single writer
            // only writes; the read sees every write already acknowledged (a profile tracked before this call). If
            // the read fails, the accept does it all in one transaction as below, and fails as a write would.
            accepted = store.read(tx -> expander.resolve(tx, dispatch.spec(), ws))
                    .handle((found, failed) -> Optional.ofNullable(found))
                    .thenCompose(found -> found.isEmpty()
                            ? inOneTransaction(call, dispatch, spec, before, created, true)
                            : store.writeIngress(tx -> {
                                long events = tx.events().added();
                                DispatchRow row = tx.dispatches().insertExpanded(dispatch, spec, call.receivedAt());
                                expander.insertResolved(tx, row, dispatch.spec(), found.get());
                                return remember(tx, call, dispatch, created, events);
                            }));
        } else {
            accepted = inOneTransaction(call, dispatch, spec, before, created, expandNow);
        }
        return accepted.thenApply(done -> {
            onAccepted.run();
            if (done.events()) {
                onEvents.run();
            }
            return done.response();
        });
    }

    /** Preparatory writes (profiles created by this call) are seen by the lookups: one transaction for all. */
    private CompletableFuture<Accepted> inOneTransaction(ApiCall call, NewDispatch dispatch, StoredSpec spec,
                                                         Before before, ApiResponse created, boolean expandNow) {
        WorkspaceConfig ws = call.principal().workspace();
        return store.writeIngress(tx -> {
            long events = tx.events().added();
            before.run(tx);
            if (expandNow) {
                DispatchRow row = tx.dispatches().insertExpanded(dispatch, spec, call.receivedAt());
                expander.insertDeliveries(tx, row, dispatch.spec(), ws);
            } else {
                tx.dispatches().insert(dispatch, spec, call.receivedAt());
            }
            return remember(tx, call, dispatch, created, events);
        });
    }

    /**
     * Keeps the answer for the call's idempotency key; {@code eventsBefore} is {@code tx.events().added()} from
     * before the work.
     */
    private static Accepted remember(StoreTx tx, ApiCall call, NewDispatch dispatch, ApiResponse created,
                                     long eventsBefore) throws SQLException {
        return new Accepted(Idempotency.remember(tx, call, created, Optional.of(dispatch.id())),
                tx.events().added() != eventsBefore);
    }
}
