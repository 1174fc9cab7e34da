package dev.herald.gateway.store.sqlite;

import dev.herald.gateway.store.Deliveries;
import dev.herald.gateway.store.Deliveries.LookupColumn;
import dev.herald.gateway.store.Dialect;
import dev.herald.gateway.store.Sql;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

/** SQLite's spellings. */
final class SqliteDialect implements Dialect {
    static final SqliteDialect INSTANCE = new SqliteDialect();
    private static final Map<LookupColumn, String> LATEST = new EnumMap<>(LookupColumn.class);

    static {
        // Two parts, read in one transaction: the newest journal rows the side index points at that still match (the
        // limit counts matches, so entries of scrubbed or purged deliveries never crowd out a live one), and the rows
        // after the delivery it has reached, read from the journal. Together every committed match, each once.
        // Should the journal have given the reached row number to another delivery (the index then starts again),
        // both parts treat the index as empty until it has: the journal is read whole, and nothing is missed.
        String reached = "WITH reached AS (SELECT CASE WHEN p.indexed_through = 0 OR EXISTS (SELECT 1 FROM "
                + "main.delivery j WHERE j.rowid = p.indexed_through AND j.id = p.through_id) OR (NOT EXISTS (SELECT 1 "
                + "FROM main.delivery j WHERE j.rowid = p.indexed_through) AND (SELECT MAX(rowid) FROM main.delivery) "
                + "> p.indexed_through) THEN p.indexed_through ELSE 0 END AS through FROM " + SqliteLookupIndex.SCHEMA
                + ".lookup_progress p WHERE p.id = 1) ";
        for (LookupColumn c : LookupColumn.values()) {
            String column = c.columnName();
            LATEST.put(c, reached + "SELECT " + Deliveries.D_COLUMNS + " FROM delivery d WHERE d.rowid IN (SELECT "
                    + "e.delivery FROM " + SqliteLookupIndex.SCHEMA + ".lookup_entry e JOIN main.delivery m ON m.rowid = "
                    + "e.delivery WHERE e.key = ?1 AND e.delivery <= (SELECT through FROM reached) AND m.workspace = ?2 "
                    + "AND m." + column + " = ?3 ORDER BY e.delivery DESC LIMIT ?4) UNION ALL SELECT "
                    + Deliveries.D_COLUMNS + " FROM delivery d WHERE d.rowid > (SELECT through FROM reached) AND "
                    + "d.workspace = ?2 AND d." + column + " = ?3 ORDER BY created_at DESC LIMIT ?4");
        }
    }

    private SqliteDialect() {
    }

    @Override
    public String utcDay(String epochMillisColumn) {
        return "date(" + epochMillisColumn + " / 1000, 'unixepoch')";
    }

    @Override
    public String skipLocked() {
        return ""; // one writer thread: nothing else can take the rows
    }

    /** Reads the side index ({@link SqliteLookupIndex}) and the journal rows it has not reached yet. */
    @Override
    public PreparedStatement latestDeliveries(Sql sql, LookupColumn column, String workspace, String value, int limit)
            throws SQLException {
        PreparedStatement ps = sql.prepare(LATEST.get(column));
        ps.setLong(1, LookupKeys.of(column, workspace, value));
        ps.setString(2, workspace);
        ps.setString(3, value);
        ps.setInt(4, limit);
        return ps;
    }

    /** Logs the deliveries about to be scrubbed, for the side index to drop their entries ({@link SqliteLookupIndex}). */
    @Override
    public void beforeScrub(Sql sql, long userId) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO lookup_scrub (delivery) SELECT rowid FROM delivery "
                + "WHERE user_id = ?");
        ps.setLong(1, userId);
        ps.executeUpdate();
    }

    /** {@link #latestDeliveries}'s query on a column, for plan checks. */
    static String latestQuery(LookupColumn column) {
        return LATEST.get(column);
    }
}
