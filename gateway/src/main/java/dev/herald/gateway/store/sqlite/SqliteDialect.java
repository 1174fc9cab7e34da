package dev.herald.gateway.store.sqlite;

import dev.herald.gateway.store.Dialect;

/** SQLite's spellings. */
final class SqliteDialect implements Dialect {
    static final SqliteDialect INSTANCE = new SqliteDialect();

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
}
