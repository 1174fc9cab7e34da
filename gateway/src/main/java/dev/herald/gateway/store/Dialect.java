package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What differs in the SQL of the engines that share the table classes. Everything else the journal runs is
 * written once, in SQL both engines take (row values, {@code ON CONFLICT}, partial indexes, recursive CTEs).
 */
public interface Dialect {
    /** An expression for the UTC calendar day ({@code YYYY-MM-DD} text) of an epoch-milliseconds column. */
    String utcDay(String epochMillisColumn);

    /**
     * What ends a single-table {@code SELECT} whose rows this transaction takes for itself: nothing where one
     * writer owns the journal, {@code FOR UPDATE SKIP LOCKED} where several nodes share it (a row another node
     * holds is passed over, and seen again once that node commits).
     */
    String skipLocked();

    /**
     * Prepares the console's lookup ({@link Deliveries#latestFor}): a workspace's {@code limit} newest deliveries whose
     * {@code column} is {@code value}, newest first, to be read whole with {@link Deliveries#row}.
     */
    PreparedStatement latestDeliveries(Sql sql, Deliveries.LookupColumn column, String workspace, String value,
                                       int limit) throws SQLException;

    /**
     * Runs in {@link Deliveries#forgetUser}'s transaction before a user's deliveries are scrubbed: an engine that
     * keeps lookups outside the journal notes which deliveries they are, so their entries go too.
     */
    void beforeScrub(Sql sql, long userId) throws SQLException;
}
