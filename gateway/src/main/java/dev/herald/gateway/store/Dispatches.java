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
            + "campaign_id, send_id, created_at, updated_at, schedule, expand_cursor";

    private final StoreTx tx;

    Dispatches(StoreTx tx) {
        this.tx = tx;
    }

    /** Inserts an accepted dispatch. */
    public void insert(NewDispatch d, Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO dispatch (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)");
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
        Rows.setOptional(ps, 13, d.schedule());
        ps.executeUpdate();
    }

    /** Changes a scheduled dispatch that has not started: its request, time and schedule. */
    public boolean reschedule(String id, String request, Instant notBefore, String schedule, Instant now)
            throws SQLException {
        // The age limit moves with the time: a schedule moved a week later keeps its max age.
        PreparedStatement ps = tx.prepare("UPDATE dispatch SET request = ?, expires_at = expires_at + (? - not_before), "
                + "not_before = ?, schedule = ?, updated_at = ? WHERE id = ? AND status = '" + DispatchRow.ACCEPTED + "'");
        ps.setString(1, request);
        ps.setLong(2, Rows.millis(notBefore));
        ps.setLong(3, Rows.millis(notBefore));
        ps.setString(4, schedule);
        ps.setLong(5, Rows.millis(now));
        ps.setString(6, id);
        return ps.executeUpdate() == 1;
    }

    /** Cancels a dispatch that has not started; false if it started or does not exist. */
    public boolean cancel(String id, Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("UPDATE dispatch SET status = '" + DispatchRow.CANCELLED + "', updated_at = ? "
                + "WHERE id = ? AND status = '" + DispatchRow.ACCEPTED + "'");
        ps.setLong(1, Rows.millis(now));
        ps.setString(2, id);
        return ps.executeUpdate() == 1;
    }

    /** Remembers how far a broadcast's paged expansion got. */
    public void advanceCursor(String id, long cursor, Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("UPDATE dispatch SET expand_cursor = ?, updated_at = ? WHERE id = ?");
        ps.setLong(1, cursor);
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, id);
        ps.executeUpdate();
    }

    /** Scheduled dispatches of a workspace not yet started, due up to {@code until}, soonest first. */
    public List<DispatchRow> scheduled(String workspace, Instant until, int limit) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM dispatch WHERE workspace = ? AND status = '"
                + DispatchRow.ACCEPTED + "' AND schedule IS NOT NULL AND not_before <= ? ORDER BY not_before LIMIT ?");
        ps.setString(1, workspace);
        ps.setLong(2, Rows.millis(until));
        ps.setInt(3, limit);
        List<DispatchRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
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
                + "WHERE p.status IN ('" + DispatchRow.EXPANDED + "', '" + DispatchRow.CANCELLED + "') "
                + "AND p.updated_at < ? AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.dispatch_id = p.id) "
                + "AND NOT EXISTS (SELECT 1 FROM idempotency i WHERE i.dispatch_id = p.id) "
                + "AND NOT EXISTS (SELECT 1 FROM external_send x WHERE x.dispatch_id = p.id) "
                + "AND NOT EXISTS (SELECT 1 FROM event e WHERE e.dispatch_id = p.id AND e.status = 'pending') LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    private static DispatchRow row(ResultSet rs) throws SQLException {
        return new DispatchRow(rs.getString("id"), rs.getString("workspace"), rs.getString("kind"),
                Lane.fromDb(rs.getString("lane")), rs.getString("request"), rs.getString("status"),
                Rows.instant(rs, "not_before"), Rows.instant(rs, "expires_at"), Rows.optional(rs, "campaign_id"),
                Rows.optional(rs, "send_id"), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"),
                Rows.optional(rs, "schedule"), cursor(rs));
    }

    private static Optional<Long> cursor(ResultSet rs) throws SQLException {
        long v = rs.getLong("expand_cursor");
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
