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
    /**
     * A lookup finds room for entries that no longer match (a scrubbed or purged delivery) beyond its limit: the side
     * index is read this many times over the limit, plus {@value #SLACK}.
     */
    private static final int OVERREAD = 2;
    private static final int SLACK = 16;
    private static final Map<LookupColumn, String> LATEST = new EnumMap<>(LookupColumn.class);

    static {
        // Two parts, read in one snapshot: the rows the side index points at that still match, and the rows after the
        // delivery it has reached, read from the journal. Together every committed match, each once. Should the
        // journal have purged that delivery and given its row number to another (the index then starts again), both
        // parts treat the index as empty until it has: the journal is read whole, and nothing is missed meanwhile.
        String through = "WITH reached AS (SELECT CASE WHEN p.indexed_through = 0 OR EXISTS (SELECT 1 FROM "
                + "main.delivery j WHERE j.rowid = p.indexed_through AND j.id = p.through_id) THEN p.indexed_through "
                + "ELSE 0 END AS through FROM " + SqliteLookupIndex.SCHEMA + ".lookup_progress p WHERE p.id = 1) ";
        for (LookupColumn c : LookupColumn.values()) {
            String match = " AND d.workspace = ?3 AND d." + c.columnName() + " = ?4";
            LATEST.put(c, through + "SELECT " + Deliveries.D_COLUMNS + " FROM delivery d WHERE d.rowid IN (SELECT "
                    + "delivery FROM " + SqliteLookupIndex.SCHEMA + ".lookup_entry WHERE key = ?1 AND delivery <= "
                    + "(SELECT through FROM reached) ORDER BY delivery DESC LIMIT ?2)" + match
                    + " UNION ALL SELECT " + Deliveries.D_COLUMNS + " FROM delivery d WHERE d.rowid > (SELECT through "
                    + "FROM reached)" + match + " ORDER BY created_at DESC LIMIT ?5");
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
        ps.setInt(2, limit * OVERREAD + SLACK);
        ps.setString(3, workspace);
        ps.setString(4, value);
        ps.setInt(5, limit);
        return ps;
    }

    /** {@link #latestDeliveries}'s query on a column, for plan checks. */
    static String latestQuery(LookupColumn column) {
        return LATEST.get(column);
    }
}
