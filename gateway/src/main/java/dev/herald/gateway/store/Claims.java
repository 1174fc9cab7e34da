package dev.herald.gateway.store;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * How an engine claims deliveries for this process and takes their outcomes: the seam that differs between an
 * embedded journal one process owns (SQLite: claims held in memory, never written, so a claim costs no fsync) and a
 * shared one (PostgreSQL: {@code FOR UPDATE SKIP LOCKED} in batches and a lease that expires when its node dies).
 * Used inside a write ({@link StoreTx#claims()}); a read transaction cannot claim. Outbox events and tasks that
 * run once across nodes are claimed here too.
 */
public interface Claims {
    /**
     * Claims up to {@code query.limit()} due deliveries of one lane, workspace and egress key, oldest due first,
     * each only if {@code admit} accepts it (a refused row is left untouched: no attempt, no state change). A due
     * delivery already past its age limit becomes {@code expired} instead. A delivery this process already holds
     * is never claimed twice.
     *
     * @return the claimed deliveries, each with its token and {@code attempts} counting this attempt
     */
    default List<ClaimedDelivery> claimDue(ClaimQuery query, Predicate<DeliveryRow> admit) throws SQLException {
        return claimDue(query, admit, new ArrayList<>());
    }

    /**
     * {@link #claimDue(ClaimQuery, Predicate)}, adding each due delivery it ended {@code expired} to {@code expired}
     * (so that the transaction can tell the delivery's listeners).
     */
    List<ClaimedDelivery> claimDue(ClaimQuery query, Predicate<DeliveryRow> admit, List<ExpiredDelivery> expired)
            throws SQLException;

    /**
     * Writes an attempt's outcome and gives the claim up, only if {@code token} still holds and the delivery is
     * still waiting on that attempt; counts the attempt.
     *
     * @return false when the claim is stale or the delivery has moved on: the outcome is dropped (and counted)
     */
    boolean record(ClaimToken token, DeliveryUpdate update, Instant now) throws SQLException;

    /**
     * Writes several attempts' outcomes, each as {@link #record} would. An engine on a database server sends them
     * in one round trip; the default records them one by one.
     *
     * @return in the order given, whether each was applied (false: stale or moved on, dropped and counted)
     */
    default boolean[] recordAll(List<AttemptOutcome> outcomes, Instant now) throws SQLException {
        boolean[] applied = new boolean[outcomes.size()];
        for (int i = 0; i < applied.length; i++) {
            AttemptOutcome o = outcomes.get(i);
            applied[i] = record(o.token(), o.update(), now);
        }
        return applied;
    }

    /** Outcomes dropped because their claim was stale, since the store opened. */
    long staleOutcomes();

    /**
     * Takes up to {@code limit} due outbox events to publish (see {@link Events#due}), so that no other node
     * publishes them meanwhile: on a shared journal they are leased (not due again until the lease ends, when a
     * node that died with them lets another take over). An event's outcome is written with {@link Events#record},
     * conditional on the attempt it was taken for.
     */
    List<EventRow> claimEvents(Instant now, int limit, Collection<String> busyDispatches) throws SQLException;

    /**
     * Whether this node runs {@code task} (one that must run on one node at a time, such as the purge) for the rest
     * of this transaction. Always true where one process owns the journal.
     */
    boolean lead(String task) throws SQLException;
}
