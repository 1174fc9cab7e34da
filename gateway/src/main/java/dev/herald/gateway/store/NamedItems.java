package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reads a table of named items kept per workspace answers (email templates, Content Blocks): by id, by name, and
 * a page of those modified within a window, least recently modified first. The table has {@code id},
 * {@code workspace}, {@code name} and {@code updated_at} columns.
 */
final class NamedItems<R> {
    /** Reads one row of the table. */
    @FunctionalInterface
    interface RowReader<R> {
        R read(ResultSet rs) throws SQLException;
    }

    private final Sql sql;
    private final String select;
    private final RowReader<R> reader;

    NamedItems(Sql sql, String table, String columns, RowReader<R> reader) {
        this.sql = sql;
        this.select = "SELECT " + columns + " FROM " + table + " WHERE workspace = ? ";
        this.reader = reader;
    }

    Optional<R> find(String workspace, String id) throws SQLException {
        return one("AND id = ?", workspace, id);
    }

    Optional<R> findByName(String workspace, String name) throws SQLException {
        return one("AND name = ?", workspace, name);
    }

    List<R> list(String workspace, ModifiedWindow window) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated(select
                + "AND updated_at >= ? AND updated_at <= ? ORDER BY updated_at, id LIMIT ? OFFSET ?");
        ps.setString(1, workspace);
        ps.setLong(2, window.after().map(Rows::millis).orElse(Long.MIN_VALUE));
        ps.setLong(3, window.before().map(Rows::millis).orElse(Long.MAX_VALUE));
        ps.setInt(4, window.limit());
        ps.setInt(5, window.offset());
        List<R> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(reader.read(rs));
            }
        }
        return out;
    }

    private Optional<R> one(String condition, String workspace, String key) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated(select + condition);
        ps.setString(1, workspace);
        ps.setString(2, key);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(reader.read(rs)) : Optional.empty();
        }
    }
}
