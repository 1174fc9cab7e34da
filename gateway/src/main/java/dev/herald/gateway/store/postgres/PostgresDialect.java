package dev.herald.gateway.store.postgres;

import dev.herald.gateway.store.Dialect;

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
}
