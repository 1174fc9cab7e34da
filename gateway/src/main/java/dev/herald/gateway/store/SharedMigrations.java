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
            List.of("ALTER TABLE delivery ADD COLUMN lease_owner TEXT"));

    private SharedMigrations() {
    }
}
