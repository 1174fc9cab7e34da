package dev.herald.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection of an engine, with its dialect and its prepared statements cached by text. Not thread-safe: it
 * belongs to the thread the engine runs the connection's work on.
 */
public final class Sql {
    private final Connection connection;
    private final Dialect dialect;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    /** The connection's statements, written in {@code dialect}. */
    public Sql(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /** A prepared statement for {@code sql}, its parameters cleared. */
    public PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        ps.clearParameters();
        return ps;
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
