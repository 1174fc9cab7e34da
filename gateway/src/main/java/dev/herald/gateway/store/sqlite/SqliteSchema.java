package dev.herald.gateway.store.sqlite;

import dev.herald.gateway.store.SharedMigrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

/**
 * The journal's tables on SQLite, created and migrated in order; {@code PRAGMA user_version} records how far a
 * file has been migrated, so an older file is upgraded in place at start.
 */
final class SqliteSchema {
    private static final List<List<String>> OWN = List.of(
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
                    "CREATE INDEX delivery_finished ON delivery (updated_at) WHERE status NOT IN ('queued', 'sending')"),
            List.of("""
                    CREATE TABLE app_user (
                      id INTEGER PRIMARY KEY,
                      workspace TEXT NOT NULL,
                      braze_id TEXT NOT NULL,
                      external_id TEXT,
                      email TEXT,
                      email_invalid TEXT,
                      phone TEXT,
                      phone_invalid TEXT,
                      email_subscribe TEXT,
                      push_subscribe TEXT,
                      time_zone TEXT,
                      profile TEXT NOT NULL DEFAULT '{}',
                      custom TEXT NOT NULL DEFAULT '{}',
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL)""",
                    "CREATE UNIQUE INDEX app_user_external ON app_user (workspace, external_id) WHERE external_id IS NOT NULL",
                    "CREATE UNIQUE INDEX app_user_braze ON app_user (workspace, braze_id)",
                    "CREATE INDEX app_user_email ON app_user (workspace, email) WHERE email IS NOT NULL",
                    "CREATE INDEX app_user_phone ON app_user (workspace, phone) WHERE phone IS NOT NULL",
                    """
                    CREATE TABLE user_alias (
                      workspace TEXT NOT NULL,
                      alias_label TEXT NOT NULL,
                      alias_name TEXT NOT NULL,
                      user_id INTEGER NOT NULL,
                      PRIMARY KEY (workspace, alias_label, alias_name))""",
                    "CREATE INDEX user_alias_user ON user_alias (user_id)",
                    """
                    CREATE TABLE push_token (
                      workspace TEXT NOT NULL,
                      app_id TEXT NOT NULL,
                      token TEXT NOT NULL,
                      user_id INTEGER NOT NULL,
                      device_id TEXT,
                      registered_at INTEGER NOT NULL,
                      invalid_reason TEXT,
                      PRIMARY KEY (workspace, app_id, token))""",
                    "CREATE INDEX push_token_user ON push_token (user_id)",
                    """
                    CREATE TABLE subscription (
                      user_id INTEGER NOT NULL,
                      group_id TEXT NOT NULL,
                      state TEXT NOT NULL,
                      updated_at INTEGER NOT NULL,
                      PRIMARY KEY (user_id, group_id))""",
                    """
                    CREATE TABLE user_event (
                      id INTEGER PRIMARY KEY,
                      user_id INTEGER NOT NULL,
                      kind TEXT NOT NULL,
                      name TEXT NOT NULL,
                      app_id TEXT,
                      time INTEGER NOT NULL,
                      data TEXT NOT NULL,
                      created_at INTEGER NOT NULL)""",
                    "CREATE INDEX user_event_user ON user_event (user_id)",
                    "CREATE INDEX user_event_created ON user_event (created_at)",
                    "ALTER TABLE delivery ADD COLUMN user_id INTEGER",
                    "ALTER TABLE delivery ADD COLUMN app_id TEXT",
                    "CREATE INDEX delivery_user ON delivery (user_id) WHERE user_id IS NOT NULL",
                    "CREATE INDEX delivery_provider_id ON delivery (provider_message_id) "
                            + "WHERE provider_message_id IS NOT NULL"),
            List.of("""
                    CREATE TABLE event (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      id TEXT NOT NULL UNIQUE,
                      workspace TEXT NOT NULL,
                      dispatch_id TEXT NOT NULL,
                      delivery_id TEXT,
                      type TEXT NOT NULL,
                      payload TEXT NOT NULL,
                      status TEXT NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      next_attempt_at INTEGER NOT NULL,
                      expires_at INTEGER NOT NULL,
                      last_error TEXT,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL)""",
                    "CREATE INDEX event_pending ON event (next_attempt_at) WHERE status = 'pending'",
                    "CREATE INDEX event_dispatch_pending ON event (dispatch_id, seq) WHERE status = 'pending'",
                    "CREATE INDEX event_finished ON event (updated_at) WHERE status <> 'pending'",
                    """
                    CREATE TABLE idempotency (
                      workspace TEXT NOT NULL,
                      idem_key TEXT NOT NULL,
                      fingerprint TEXT NOT NULL,
                      status INTEGER NOT NULL,
                      body TEXT NOT NULL,
                      dispatch_id TEXT,
                      created_at INTEGER NOT NULL,
                      PRIMARY KEY (workspace, idem_key))""",
                    "CREATE INDEX idempotency_created ON idempotency (created_at)",
                    """
                    CREATE TABLE external_send (
                      workspace TEXT NOT NULL,
                      campaign_id TEXT NOT NULL,
                      external_send_id TEXT NOT NULL,
                      dispatch_id TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      PRIMARY KEY (workspace, campaign_id, external_send_id))""",
                    "CREATE INDEX external_send_created ON external_send (created_at)",
                    """
                    CREATE TABLE send_id (
                      workspace TEXT NOT NULL,
                      campaign_id TEXT NOT NULL,
                      send_id TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      PRIMARY KEY (workspace, campaign_id, send_id))""",
                    "CREATE INDEX send_id_created ON send_id (workspace, created_at)",
                    "ALTER TABLE dispatch ADD COLUMN expand_cursor INTEGER",
                    "ALTER TABLE dispatch ADD COLUMN schedule TEXT",
                    "CREATE INDEX dispatch_send ON dispatch (workspace, campaign_id, send_id) WHERE send_id IS NOT NULL"),
            // Lanes are served workspace by workspace and egress key by key: a paused key's backlog is never read.
            List.of("DROP INDEX IF EXISTS delivery_due",
                    "CREATE INDEX delivery_due_key ON delivery (lane, workspace, egress_key, next_attempt_at) "
                            + "WHERE status = 'queued'"),
            List.of("""
                    CREATE TABLE held_receipt (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      workspace TEXT NOT NULL,
                      provider_message_id TEXT NOT NULL,
                      report TEXT NOT NULL,
                      received_at INTEGER NOT NULL)""",
                    "CREATE INDEX held_receipt_message ON held_receipt (workspace, provider_message_id)",
                    "CREATE INDEX held_receipt_received ON held_receipt (received_at)"),
            // The typed model: a dispatch keeps its spec document and the version it was written at. Version 0 is
            // the Braze request an older Herald kept; it is upgraded at start.
            List.of("ALTER TABLE dispatch RENAME COLUMN request TO spec",
                    "ALTER TABLE dispatch ADD COLUMN spec_version INTEGER NOT NULL DEFAULT 0",
                    // Finding what is left to upgrade at start is one index seek, however long the journal.
                    "CREATE INDEX dispatch_legacy ON dispatch (id) WHERE spec_version = 0"));
    private static final List<List<String>> MIGRATIONS = Stream.concat(OWN.stream(),
            SharedMigrations.AFTER_BASELINE.stream()
            .map(m -> SharedMigrations.spelled(m, "INTEGER PRIMARY KEY"))).toList();

    static {
        if (OWN.size() != SharedMigrations.BASELINE) {
            throw new ExceptionInInitializerError("SQLite's own migrations must end at the shared baseline");
        }
    }

    private SqliteSchema() {
    }

    /** Brings the database up to the newest version, in one transaction per migration. */
    static void migrate(Connection c) throws SQLException {
        migrate(c, MIGRATIONS.size());
        // The shared migrations index deliveries by recipient and by address for the console; on SQLite those
        // lookups live in a side file kept off the single writer (SqliteLookupIndex), so the journal drops them.
        // At every open, not as a numbered migration: the shared list may grow after this.
        try (Statement s = c.createStatement()) {
            s.execute("DROP INDEX IF EXISTS delivery_recipient");
            s.execute("DROP INDEX IF EXISTS delivery_address");
            s.execute(SqliteLookupIndex.SCRUB_LOG);
        }
        c.commit();
    }

    /** Brings the database up to version {@code target} (tests that write a journal of an older version). */
    static void migrate(Connection c, int target) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > MIGRATIONS.size()) {
            throw new SQLException("the store was written by a newer Herald (schema version " + version
                    + ", this one knows " + MIGRATIONS.size() + ")");
        }
        for (int v = version; v < target; v++) {
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
