package dev.herald.gateway.store;

import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.DispatchStatus;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.ScheduleSpec;
import dev.herald.gateway.model.SpecCodec;
import dev.herald.gateway.model.StoredSpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code dispatch} table: one row per accepted API request. */
public final class Dispatches {
    private static final String COLUMNS = "id, workspace, kind, lane, spec_version, spec, status, not_before, expires_at, "
            + "campaign_id, send_id, created_at, updated_at, schedule, expand_cursor";
    private static final String ACCEPTED = DispatchStatus.ACCEPTED.dbName();

    private final Sql sql;

    Dispatches(Sql sql) {
        this.sql = sql;
    }

    /** Inserts an accepted dispatch; returns the row as written (its spec encoded once, here). */
    public DispatchRow insert(NewDispatch d, Instant now) throws SQLException {
        return insert(d, StoredSpec.of(d.spec()), DispatchStatus.ACCEPTED, now);
    }

    /**
     * Inserts an accepted dispatch whose spec the caller encoded before the transaction (as {@link StoredSpec#of}),
     * so the single writer does not; returns the row as written.
     */
    public DispatchRow insert(NewDispatch d, StoredSpec spec, Instant now) throws SQLException {
        return insert(d, spec, DispatchStatus.ACCEPTED, now);
    }

    /**
     * Inserts a dispatch already {@code expanded}, for a caller that inserts all its deliveries in the same
     * transaction (one statement fewer than inserting it accepted and marking it expanded); returns the row.
     */
    public DispatchRow insertExpanded(NewDispatch d, Instant now) throws SQLException {
        return insert(d, StoredSpec.of(d.spec()), DispatchStatus.EXPANDED, now);
    }

    /** As {@link #insertExpanded(NewDispatch, Instant)}, with the spec encoded by the caller before the transaction. */
    public DispatchRow insertExpanded(NewDispatch d, StoredSpec spec, Instant now) throws SQLException {
        return insert(d, spec, DispatchStatus.EXPANDED, now);
    }

    private DispatchRow insert(NewDispatch d, StoredSpec spec, DispatchStatus status, Instant now)
            throws SQLException {
        // A new id: the insert cannot conflict, so it may wait for the engine's next flush (see Sql).
        PreparedStatement ps = sql.prepareUnrelated("INSERT INTO dispatch (" + COLUMNS + ") "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL)");
        ps.setString(1, d.id());
        ps.setString(2, d.workspace());
        ps.setString(3, d.kind().dbName());
        ps.setString(4, d.lane().dbName());
        ps.setInt(5, spec.version());
        ps.setString(6, spec.document());
        ps.setString(7, status.dbName());
        ps.setLong(8, Rows.millis(d.notBefore()));
        ps.setLong(9, Rows.millis(d.expiresAt()));
        Rows.setOptional(ps, 10, d.campaignId());
        Rows.setOptional(ps, 11, d.sendId());
        ps.setLong(12, Rows.millis(now));
        ps.setLong(13, Rows.millis(now));
        Rows.setOptional(ps, 14, d.schedule().map(SpecCodec::encode));
        sql.executeLater(ps);
        return new DispatchRow(d.id(), d.workspace(), d.kind(), d.lane(), spec, status, d.notBefore(),
                d.expiresAt(), d.campaignId(), d.sendId(), now, now, d.schedule(), Optional.empty());
    }

    /** Changes a scheduled dispatch that has not started: its spec, time and schedule. */
    public boolean reschedule(String id, DispatchSpec spec, Instant notBefore, ScheduleSpec schedule, Instant now)
            throws SQLException {
        // The age limit moves with the time: a schedule moved a week later keeps its max age.
        PreparedStatement ps = sql.prepare("UPDATE dispatch SET spec_version = ?, spec = ?, "
                + "expires_at = expires_at + (? - not_before), not_before = ?, schedule = ?, updated_at = ? "
                + "WHERE id = ? AND status = '" + ACCEPTED + "'");
        StoredSpec stored = StoredSpec.of(spec);
        ps.setInt(1, stored.version());
        ps.setString(2, stored.document());
        ps.setLong(3, Rows.millis(notBefore));
        ps.setLong(4, Rows.millis(notBefore));
        ps.setString(5, SpecCodec.encode(schedule));
        ps.setLong(6, Rows.millis(now));
        ps.setString(7, id);
        return ps.executeUpdate() == 1;
    }

    /** A dispatch an older Herald kept as its Braze request (spec version 0), before the typed model. */
    public record Legacy(String id, String workspace, String request) {
    }

    /** Up to {@code limit} dispatches kept as Braze requests, to upgrade at start (an index seek). */
    public List<Legacy> legacy(int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT id, workspace, spec FROM dispatch WHERE spec_version = 0 LIMIT ?");
        ps.setInt(1, limit);
        List<Legacy> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Legacy(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return out;
    }

    /** Replaces a dispatch's spec with its upgraded form. */
    public void upgrade(String id, DispatchSpec spec) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE dispatch SET spec_version = ?, spec = ? WHERE id = ?");
        StoredSpec stored = StoredSpec.of(spec);
        ps.setInt(1, stored.version());
        ps.setString(2, stored.document());
        ps.setString(3, id);
        ps.executeUpdate();
    }

    /** Cancels a dispatch that has not started; false if it started or does not exist. */
    public boolean cancel(String id, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE dispatch SET status = '" + DispatchStatus.CANCELLED.dbName() + "', updated_at = ? "
                + "WHERE id = ? AND status = '" + ACCEPTED + "'");
        ps.setLong(1, Rows.millis(now));
        ps.setString(2, id);
        return ps.executeUpdate() == 1;
    }

    /** Remembers how far a broadcast's paged expansion got. */
    public void advanceCursor(String id, long cursor, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE dispatch SET expand_cursor = ?, updated_at = ? WHERE id = ?");
        ps.setLong(1, cursor);
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, id);
        ps.executeUpdate();
    }

    /** Scheduled dispatches of a workspace not yet started, due up to {@code until}, soonest first. */
    public List<DispatchRow> scheduled(String workspace, Instant until, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM dispatch WHERE workspace = ? AND status = '"
                + ACCEPTED + "' AND schedule IS NOT NULL AND not_before <= ? ORDER BY not_before LIMIT ?");
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
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM dispatch WHERE id = ?");
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    /**
     * Accepted dispatches whose time has come, oldest first, taken for this transaction: on a shared journal a
     * dispatch another node is expanding is passed over, so a schedule fires and a broadcast page is expanded once.
     */
    public List<DispatchRow> dueForExpansion(Instant now, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM dispatch WHERE status = '"
                + ACCEPTED + "' AND not_before <= ? ORDER BY not_before LIMIT ?" + sql.dialect().skipLocked());
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
        PreparedStatement ps = sql.prepare("UPDATE dispatch SET status = ?, updated_at = ? WHERE id = ?");
        ps.setString(1, DispatchStatus.EXPANDED.dbName());
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
        PreparedStatement ps = sql.prepare("DELETE FROM dispatch WHERE id IN (SELECT p.id FROM dispatch p "
                + "WHERE p.status IN ('" + DispatchStatus.EXPANDED.dbName() + "', '" + DispatchStatus.CANCELLED.dbName() + "') "
                + "AND p.updated_at < ? AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.dispatch_id = p.id) "
                + "AND NOT EXISTS (SELECT 1 FROM idempotency i WHERE i.dispatch_id = p.id) "
                + "AND NOT EXISTS (SELECT 1 FROM external_send x WHERE x.dispatch_id = p.id) "
                + "AND NOT EXISTS (SELECT 1 FROM event e WHERE e.dispatch_id = p.id AND e.status = 'pending') LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    private static DispatchRow row(ResultSet rs) throws SQLException {
        return new DispatchRow(rs.getString("id"), rs.getString("workspace"),
                DispatchKind.fromDb(rs.getString("kind")).orElseThrow(), Lane.fromDb(rs.getString("lane")),
                new StoredSpec(rs.getInt("spec_version"), rs.getString("spec")),
                DispatchStatus.fromDb(rs.getString("status")), Rows.instant(rs, "not_before"),
                Rows.instant(rs, "expires_at"), Rows.optional(rs, "campaign_id"), Rows.optional(rs, "send_id"),
                Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"),
                Rows.optional(rs, "schedule").map(SpecCodec::decodeSchedule), cursor(rs));
    }

    private static Optional<Long> cursor(ResultSet rs) throws SQLException {
        long v = rs.getLong("expand_cursor");
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
