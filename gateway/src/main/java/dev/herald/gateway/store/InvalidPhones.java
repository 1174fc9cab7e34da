package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The invalid phone number list of a workspace ({@code invalid_phone}): numbers the SMS provider refused for good,
 * with Braze's reason ({@code provider_error} or {@code deactivated}) and the provider's own answer. Every method
 * runs inside the caller's transaction.
 */
public final class InvalidPhones {
    private final Sql sql;

    InvalidPhones(Sql sql) {
        this.sql = sql;
    }

    /** Lists the number (keeping the time it was first found invalid while it stays listed). */
    public void mark(String workspace, String phone, String reason, String detail, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("INSERT INTO invalid_phone (workspace, phone, reason, detail, "
                + "detected_at) VALUES (?,?,?,?,?) ON CONFLICT (workspace, phone) DO UPDATE SET reason = "
                + "excluded.reason, detail = excluded.detail");
        ps.setString(1, workspace);
        ps.setString(2, phone);
        ps.setString(3, reason);
        ps.setString(4, detail);
        ps.setLong(5, Rows.millis(now));
        ps.executeUpdate();
    }

    /** Takes the number off the list; whether it was on it. */
    public boolean remove(String workspace, String phone) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("DELETE FROM invalid_phone WHERE workspace = ? AND phone = ?");
        ps.setString(1, workspace);
        ps.setString(2, phone);
        return ps.executeUpdate() > 0;
    }

    /** The number's entry, if it is listed. */
    public Optional<Listed> get(String workspace, String phone) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT phone, detected_at, reason FROM invalid_phone "
                + "WHERE workspace = ? AND phone = ?");
        ps.setString(1, workspace);
        ps.setString(2, phone);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(listed(rs)) : Optional.empty();
        }
    }

    /** A page of the list, optionally of one reason only. */
    public List<Listed> page(String workspace, ListQuery q, Optional<String> reason) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT phone, detected_at, reason FROM invalid_phone "
                + "WHERE workspace = ? AND detected_at >= ? AND detected_at < ? AND (? IS NULL OR reason = ?) "
                + "ORDER BY detected_at" + (q.oldestFirst() ? " ASC" : " DESC") + ", phone LIMIT ? OFFSET ?");
        ps.setString(1, workspace);
        ps.setLong(2, Rows.millis(q.from()));
        ps.setLong(3, Rows.millis(q.until()));
        Rows.setOptional(ps, 4, reason);
        Rows.setOptional(ps, 5, reason);
        ps.setInt(6, q.limit());
        ps.setInt(7, q.offset());
        List<Listed> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(listed(rs));
            }
        }
        return out;
    }

    private static Listed listed(ResultSet rs) throws SQLException {
        return new Listed(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3));
    }
}
