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
                    "CREATE INDEX content_block_updated ON content_block (workspace, updated_at)"));

    private SharedMigrations() {
    }
}
