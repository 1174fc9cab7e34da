package dev.herald.gateway.store.postgres;

import dev.herald.gateway.store.Deliveries;
import dev.herald.gateway.store.Dialect;
import dev.herald.gateway.store.Sql;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** PostgreSQL's spellings. */
final class PostgresDialect implements Dialect {
    static final PostgresDialect INSTANCE = new PostgresDialect();

    private PostgresDialect() {
    }

    @Override
    public String utcDay(String epochMillisColumn) {
        return "to_char(to_timestamp(" + epochMillisColumn + " / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
    }

    @Override
    public String skipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    /** PostgreSQL keeps the lookup indexes in the journal: its writers are many, not one thread. */
    @Override
    public PreparedStatement latestDeliveries(Sql sql, Deliveries.LookupColumn column, String workspace, String value,
                                              int limit) throws SQLException {
        return Deliveries.latestByIndex(sql, column, workspace, value, limit);
    }

    /** The lookup indexes are the journal's own: the scrub updates them. */
    @Override
    public void beforeScrub(Sql sql, long userId) {
    }
}
