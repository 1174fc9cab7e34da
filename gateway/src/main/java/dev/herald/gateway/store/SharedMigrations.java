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

    /** The migrations after the baseline: the first makes version {@code BASELINE + 1}. */
    public static final List<List<String>> AFTER_BASELINE = List.of(
            // A shared journal's claim: which node holds a delivery while it is sent. The row stays queued and its
            // next_attempt_at is the lease's end, so a dead node's claims fall due again by themselves. SQLite
            // keeps its claims in memory and never sets it.
            List.of("ALTER TABLE delivery ADD COLUMN lease_owner TEXT"),
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
                    "CREATE INDEX invalid_phone_detected ON invalid_phone (workspace, detected_at)"));

    private SharedMigrations() {
    }
}
