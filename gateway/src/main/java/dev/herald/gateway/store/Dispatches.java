package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code dispatch} table: one row per accepted API request. */
public final class Dispatches {
    private static final String COLUMNS = "id, workspace, kind, lane, request, status, not_before, expires_at, "
            + "campaign_id, send_id, created_at, updated_at";

    private final StoreTx tx;

    Dispatches(StoreTx tx) {
        this.tx = tx;
    }

    /** Inserts an accepted dispatch. */
    public void insert(NewDispatch d, Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO dispatch (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        ps.setString(1, d.id());
        ps.setString(2, d.workspace());
        ps.setString(3, d.kind());
        ps.setString(4, d.lane().dbName());
        ps.setString(5, d.request());
        ps.setString(6, DispatchRow.ACCEPTED);
        ps.setLong(7, Rows.millis(d.notBefore()));
        ps.setLong(8, Rows.millis(d.expiresAt()));
        Rows.setOptional(ps, 9, d.campaignId());
        Rows.setOptional(ps, 10, d.sendId());
        ps.setLong(11, Rows.millis(now));
        ps.setLong(12, Rows.millis(now));
        ps.executeUpdate();
    }

    /** The dispatch with this id. */
    public Optional<DispatchRow> find(String id) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM dispatch WHERE id = ?");
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    /** Accepted dispatches whose time has come, oldest first. */
    public List<DispatchRow> dueForExpansion(Instant now, int limit) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM dispatch WHERE status = '"
                + DispatchRow.ACCEPTED + "' AND not_before <= ? ORDER BY not_before LIMIT ?");
        ps.setLong(1, Rows.millis(now));
        ps.setInt(2, limit);
        List<DispatchRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** Records that every delivery of the dispatch exists. */
    public void markExpanded(String id, Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("UPDATE dispatch SET status = ?, updated_at = ? WHERE id = ?");
        ps.setString(1, DispatchRow.EXPANDED);
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, id);
        ps.executeUpdate();
    }

    /**
     * Deletes expanded dispatches last touched before {@code before} that no delivery refers to any more.
     *
     * @return how many were deleted (at most {@code limit})
     */
    public int purge(Instant before, int limit) throws SQLException {
        PreparedStatement ps = tx.prepare("DELETE FROM dispatch WHERE id IN (SELECT p.id FROM dispatch p "
                + "WHERE p.status = '" + DispatchRow.EXPANDED + "' AND p.updated_at < ? AND NOT EXISTS "
                + "(SELECT 1 FROM delivery d WHERE d.dispatch_id = p.id) LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    private static DispatchRow row(ResultSet rs) throws SQLException {
        return new DispatchRow(rs.getString("id"), rs.getString("workspace"), rs.getString("kind"),
                Lane.fromDb(rs.getString("lane")), rs.getString("request"), rs.getString("status"),
                Rows.instant(rs, "not_before"), Rows.instant(rs, "expires_at"), Rows.optional(rs, "campaign_id"),
                Rows.optional(rs, "send_id"), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));
    }
}
