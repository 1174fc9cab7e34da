package dev.herald.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection's view of the journal, with a table object per table. Prepared statements are cached per
 * connection. Not thread-safe: a transaction belongs to the store thread running it.
 */
public final class StoreTx {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Dispatches dispatches = new Dispatches(this);
    private final Deliveries deliveries = new Deliveries(this);
    private final Users users = new Users(this);
    private final Events events = new Events(this);
    private final Keys keys = new Keys(this);
    private final HeldReceipts heldReceipts = new HeldReceipts(this);

    StoreTx(Connection connection) {
        this.connection = connection;
    }

    /** The dispatch table. */
    public Dispatches dispatches() {
        return dispatches;
    }

    /** The delivery table. */
    public Deliveries deliveries() {
        return deliveries;
    }

    /** The user directory. */
    public Users users() {
        return users;
    }

    /** The event outbox. */
    public Events events() {
        return events;
    }

    /** Idempotency keys, external send ids and send ids. */
    public Keys keys() {
        return keys;
    }

    /** Provider reports waiting for the outcome of their send. */
    public HeldReceipts heldReceipts() {
        return heldReceipts;
    }

    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        ps.clearParameters();
        return ps;
    }

    Connection connection() {
        return connection;
    }

    void closeStatements() {
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
