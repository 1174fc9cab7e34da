package dev.herald.gateway.store;

import java.util.List;

/**
 * The schema migrations every engine runs, in SQL all of them take. Each engine first brings a journal to
 * {@value #BASELINE} its own way (SQLite replays the steps it shipped with; PostgreSQL creates that schema in one
 * step, in its own types), then runs these in order; the version a journal is at counts both, so the numbers mean
 * the same schema on every engine.
 */
public final class SharedMigrations {
    /** The schema version each engine's own migrations end at. */
    public static final int BASELINE = 6;

    /**
     * Stands in a shared migration for an auto-numbered {@code BIGINT} primary key, which each engine spells its
     * own way ({@link #spelled}).
     */
    public static final String SEQUENCE_KEY = "{sequence key}";

    /** The migrations after the baseline: the first makes version {@code BASELINE + 1}. */
    public static final List<List<String>> AFTER_BASELINE = List.of(
            // A shared journal's claim: which node holds a delivery while it is sent. The row stays queued and its
            // next_attempt_at is the lease's end, so a dead node's claims fall due again by themselves. SQLite
            // keeps its claims in memory and never sets it.
            List.of("ALTER TABLE delivery ADD COLUMN lease_owner TEXT"),
            // The Currents-style stream's outbox (replaced by stream_chunk below): one row per message event, in the
            // order they happened. A published event is deleted at once, so the table holds only what is waiting
            // (pending) or given up on (dead, kept for replay). Ordered by seq; the connector row leases a workspace's stream to one node at a
            // time, which is what keeps batches in order on a shared journal.
            List.of("""
                    CREATE TABLE stream_event (
                      seq {sequence key},
                      id TEXT NOT NULL,
                      workspace TEXT NOT NULL,
                      dispatch_id TEXT NOT NULL,
                      type TEXT NOT NULL,
                      payload TEXT NOT NULL,
                      status TEXT NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      last_error TEXT,
                      created_at BIGINT NOT NULL,
                      expires_at BIGINT NOT NULL,
                      updated_at BIGINT NOT NULL)""",
                    "CREATE INDEX stream_event_pending ON stream_event (workspace, seq) WHERE status = 'pending'",
                    "CREATE INDEX stream_event_dead ON stream_event (workspace, seq) WHERE status = 'dead'",
                    """
                    CREATE TABLE stream_connector (
                      workspace TEXT PRIMARY KEY,
                      lease_owner TEXT,
                      lease_until BIGINT NOT NULL DEFAULT 0,
                      next_attempt_at BIGINT NOT NULL DEFAULT 0,
                      failures INTEGER NOT NULL DEFAULT 0,
                      last_error TEXT)"""),
            // Dead letters (deliveries that ended failed, expired or bounced) listed and replayed per workspace in the
            // order they ended: a few rows among millions of finished ones, found without reading the others. A
            // query must name the same status list, in this order, for SQLite to use it.
            List.of("CREATE INDEX delivery_dead ON delivery (workspace, updated_at, id) "
                            + "WHERE status IN ('bounced', 'expired', 'failed')",
                    // Usage per workspace, channel and UTC hour (epoch milliseconds), counted in the transactions of
                    // the changes that cause it; a writer adds to its own shard so writers never queue on one row.
                    """
                    CREATE TABLE usage_hour (
                      workspace TEXT NOT NULL,
                      hour BIGINT NOT NULL,
                      channel TEXT NOT NULL,
                      shard INTEGER NOT NULL,
                      accepted BIGINT NOT NULL DEFAULT 0,
                      sent BIGINT NOT NULL DEFAULT 0,
                      delivered BIGINT NOT NULL DEFAULT 0,
                      undelivered BIGINT NOT NULL DEFAULT 0,
                      bounced BIGINT NOT NULL DEFAULT 0,
                      failed BIGINT NOT NULL DEFAULT 0,
                      expired BIGINT NOT NULL DEFAULT 0,
                      aborted BIGINT NOT NULL DEFAULT 0,
                      replayed BIGINT NOT NULL DEFAULT 0,
                      PRIMARY KEY (workspace, hour, channel, shard))"""),
            // Email and SMS address lists, kept per workspace and address as Braze keys them (not per profile): an
            // address's state outlives the profiles that carry it and applies to profiles created later.
            List.of("""
                    CREATE TABLE email_address_state (
                      workspace TEXT NOT NULL,
                      email TEXT NOT NULL,
                      subscription TEXT,
                      unsubscribed_at BIGINT,
                      hard_bounced_at BIGINT,
                      bounce_reason TEXT,
                      blocklisted_at BIGINT,
                      updated_at BIGINT NOT NULL,
                      PRIMARY KEY (workspace, email))""",
                    "CREATE INDEX email_address_unsubscribed ON email_address_state (workspace, unsubscribed_at) "
                            + "WHERE unsubscribed_at IS NOT NULL",
                    "CREATE INDEX email_address_bounced ON email_address_state (workspace, hard_bounced_at) "
                            + "WHERE hard_bounced_at IS NOT NULL",
                    """
                    CREATE TABLE invalid_phone (
                      workspace TEXT NOT NULL,
                      phone TEXT NOT NULL,
                      reason TEXT NOT NULL,
                      detail TEXT NOT NULL,
                      detected_at BIGINT NOT NULL,
                      PRIMARY KEY (workspace, phone))""",
                    "CREATE INDEX invalid_phone_detected ON invalid_phone (workspace, detected_at)"),
            // Email templates and Content Blocks created over Braze's template API. Names are unique per workspace
            // (Braze refuses a second one); updated_at serves the lists' modified_after / modified_before.
            List.of("""
                    CREATE TABLE email_template (
                      id TEXT PRIMARY KEY,
                      workspace TEXT NOT NULL,
                      name TEXT NOT NULL,
                      subject TEXT NOT NULL,
                      body TEXT NOT NULL,
                      plaintext_body TEXT,
                      preheader TEXT,
                      should_inline_css INTEGER,
                      tags TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      updated_at BIGINT NOT NULL)""",
                    "CREATE UNIQUE INDEX email_template_name ON email_template (workspace, name)",
                    "CREATE INDEX email_template_updated ON email_template (workspace, updated_at)",
                    """
                    CREATE TABLE content_block (
                      id TEXT PRIMARY KEY,
                      workspace TEXT NOT NULL,
                      name TEXT NOT NULL,
                      description TEXT,
                      content TEXT NOT NULL,
                      state TEXT NOT NULL,
                      tags TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      updated_at BIGINT NOT NULL)""",
                    "CREATE UNIQUE INDEX content_block_name ON content_block (workspace, name)",
                    "CREATE INDEX content_block_updated ON content_block (workspace, updated_at)"),
            // External ids deprecated by /users/external_ids/rename: each still finds its profile (sends, track,
            // export) until /users/external_ids/remove takes it away. Unique per workspace; the code keeps an id from
            // being both primary (app_user.external_id) and deprecated.
            List.of("""
                    CREATE TABLE deprecated_external_id (
                      workspace TEXT NOT NULL,
                      external_id TEXT NOT NULL,
                      user_id BIGINT NOT NULL,
                      created_at BIGINT NOT NULL,
                      PRIMARY KEY (workspace, external_id))""",
                    "CREATE INDEX deprecated_external_id_user ON deprecated_external_id (user_id)"),
            // The operator console's message lookup: a workspace's deliveries to one recipient (external id, alias)
            // or one address (email, phone, push token, webhook URL), newest first, and the dispatches an
            // external_send_id produced whatever the campaign, each one index seek.
            List.of("CREATE INDEX delivery_recipient ON delivery (workspace, recipient, created_at)",
                    "CREATE INDEX delivery_address ON delivery (workspace, address, created_at)",
                    "CREATE INDEX external_send_lookup ON external_send (workspace, external_send_id)"),
            // The stream's outbox in chunks: a transaction's events of one workspace in one row (one JSON object per
            // line), so the single writer inserts one row per group commit rather than one per event; sent counts
            // the chunk's published prefix. The events of the row-per-event outbox move over as chunks of one, in
            // their order, with their state.
            List.of("""
                    CREATE TABLE stream_chunk (
                      seq {sequence key},
                      workspace TEXT NOT NULL,
                      status TEXT NOT NULL,
                      events INTEGER NOT NULL,
                      sent INTEGER NOT NULL DEFAULT 0,
                      payload TEXT NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      last_error TEXT,
                      created_at BIGINT NOT NULL,
                      expires_at BIGINT NOT NULL,
                      updated_at BIGINT NOT NULL)""",
                    "CREATE INDEX stream_chunk_pending ON stream_chunk (workspace, seq) WHERE status = 'pending'",
                    "CREATE INDEX stream_chunk_dead ON stream_chunk (workspace, seq) WHERE status = 'dead'",
                    """
                    INSERT INTO stream_chunk (workspace, status, events, sent, payload, attempts, last_error,
                      created_at, expires_at, updated_at)
                    SELECT workspace, status, 1, 0, payload, attempts, last_error, created_at, expires_at, updated_at
                    FROM stream_event ORDER BY seq""",
                    "DROP TABLE stream_event"),
            // A provider's message id is looked up only for Twilio's status callbacks: indexing every channel's ids
            // (APNs and SMTP answer with the id Herald gave them) cost each outcome an index write nothing read.
            List.of("DROP INDEX IF EXISTS delivery_provider_id",
                    "CREATE INDEX delivery_sms_provider_id ON delivery (provider_message_id) "
                            + "WHERE provider_message_id IS NOT NULL AND channel = 'sms'"));

    /** {@code migration} with the engine's spelling of {@link #SEQUENCE_KEY}. */
    public static List<String> spelled(List<String> migration, String sequenceKey) {
        return migration.stream().map(sql -> sql.replace(SEQUENCE_KEY, sequenceKey)).toList();
    }

    private SharedMigrations() {
    }
}
