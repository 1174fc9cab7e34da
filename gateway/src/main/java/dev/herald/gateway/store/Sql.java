package dev.herald.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One connection of an engine, with its dialect and its prepared statements cached by text. Not thread-safe: it
 * belongs to the thread the engine runs the connection's work on.
 *
 * <p>An engine on a database server may {@linkplain #deferWrites defer} the inserts of new dispatches and
 * deliveries: each is added to its statement's batch, and the batches go in one round trip each when
 * {@linkplain #flush flushed}, which happens before any other statement is {@linkplain #prepare prepared} (so every
 * read sees them) and which the engine does before it commits. Statements that neither read nor write those tables
 * (a profile lookup, say) are {@linkplain #prepareUnrelated prepared} without waiting for them: that is what lets
 * a batch of accepted requests insert its dispatches and deliveries in two round trips rather than two per request.
 */
public final class Sql {
    private final Connection connection;
    private final Dialect dialect;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Set<PreparedStatement> deferred = new LinkedHashSet<>();
    private boolean deferWrites;

    /** The connection's statements, written in {@code dialect}. */
    public Sql(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * Whether {@link #executeLater} may wait until the next {@link #flush} (off by default: it executes at once).
     *
     * @return this
     */
    public Sql deferWrites(boolean on) {
        this.deferWrites = on;
        return this;
    }

    /** A prepared statement for {@code sql}, its parameters cleared, once every deferred write has run. */
    public PreparedStatement prepare(String sql) throws SQLException {
        flush();
        return cached(sql);
    }

    /**
     * A prepared statement for {@code sql}, its parameters cleared, without running the deferred writes first: for
     * a statement that neither reads nor writes the tables of deferred writes ({@code dispatch} and
     * {@code delivery}), or for one that {@link #executeLater} will run.
     */
    public PreparedStatement prepareUnrelated(String sql) throws SQLException {
        return cached(sql);
    }

    private PreparedStatement cached(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        ps.clearParameters();
        return ps;
    }

    /**
     * Runs an insert or update whose count nobody reads: at once, or if writes are deferred, with the next
     * {@link #flush} (its parameters as set now).
     */
    public void executeLater(PreparedStatement ps) throws SQLException {
        if (!deferWrites) {
            ps.executeUpdate();
            return;
        }
        ps.addBatch();
        deferred.add(ps);
    }

    /** Runs the deferred writes, each statement's batch in one round trip, in the order they were first deferred. */
    public void flush() throws SQLException {
        if (deferred.isEmpty()) {
            return;
        }
        try {
            for (PreparedStatement ps : deferred) {
                ps.executeBatch();
            }
        } finally {
            discardDeferred();
        }
    }

    /** Drops the deferred writes not yet run (their transaction is being rolled back). */
    public void discardDeferred() {
        for (PreparedStatement ps : deferred) {
            try {
                ps.clearBatch();
            } catch (SQLException ignored) {
                // the statement is closed or its connection gone: nothing to clear
            }
        }
        deferred.clear();
    }

    /** The SQL differences of the engine. */
    public Dialect dialect() {
        return dialect;
    }

    /** The connection (commit, rollback and savepoints are the engine's). */
    public Connection connection() {
        return connection;
    }

    /** Closes the cached statements (the connection is the engine's to close). */
    public void closeStatements() {
        discardDeferred();
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        statements.clear();
    }
}
