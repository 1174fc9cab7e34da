package dev.herald.gateway.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The journal's tables, created and migrated in order; {@code PRAGMA user_version} records how far a file
 * has been migrated, so an older file is upgraded in place at start.
 */
final class Schema {
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE dispatch (
                      id TEXT PRIMARY KEY,
                      workspace TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      lane TEXT NOT NULL,
                      request TEXT NOT NULL,
                      status TEXT NOT NULL,
                      not_before INTEGER NOT NULL,
                      expires_at INTEGER NOT NULL,
                      campaign_id TEXT,
                      send_id TEXT,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL)""",
                    "CREATE INDEX dispatch_pending ON dispatch (not_before) WHERE status = 'accepted'",
                    "CREATE INDEX dispatch_updated ON dispatch (updated_at) WHERE status <> 'accepted'",
                    """
                    CREATE TABLE delivery (
                      id TEXT PRIMARY KEY,
                      dispatch_id TEXT NOT NULL,
                      workspace TEXT NOT NULL,
                      channel TEXT NOT NULL,
                      recipient TEXT NOT NULL,
                      address TEXT NOT NULL,
                      egress_key TEXT NOT NULL,
                      lane TEXT NOT NULL,
                      status TEXT NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      next_attempt_at INTEGER NOT NULL,
                      expires_at INTEGER NOT NULL,
                      last_error TEXT,
                      provider_message_id TEXT,
                      detail TEXT,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL,
                      UNIQUE (dispatch_id, recipient, channel, address))""",
                    "CREATE INDEX delivery_due ON delivery (lane, next_attempt_at) WHERE status = 'queued'",
                    "CREATE INDEX delivery_finished ON delivery (updated_at) WHERE status NOT IN ('queued', 'sending')"));

    private Schema() {
    }

    /**
     * The in-memory claims of the writer connection: deliveries this process is sending right now. A TEMP
     * table lives only as long as the connection, is never written to the journal, and so costs no fsync.
     */
    static void createClaims(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS claimed (id TEXT PRIMARY KEY)");
        }
        c.commit();
    }

    /** Brings the database up to the newest version, in one transaction per migration. */
    static void migrate(Connection c) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > MIGRATIONS.size()) {
            throw new SQLException("the store was written by a newer Herald (schema version " + version
                    + ", this one knows " + MIGRATIONS.size() + ")");
        }
        for (int v = version; v < MIGRATIONS.size(); v++) {
            try (Statement s = c.createStatement()) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
                s.execute("PRAGMA user_version = " + (v + 1));
            }
            c.commit();
        }
    }
}
