package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code event} outbox: events are inserted in the transaction of the change they report and published
 * afterwards, in order per dispatch, with retries.
 */
public final class Events {
    private static final String COLUMNS = "seq, id, workspace, dispatch_id, delivery_id, type, payload, status, "
            + "attempts, next_attempt_at, expires_at, last_error, created_at";

    private final Sql sql;
    /** Events added through this transaction's handle, ever: a work compares it before and after itself. */
    private long added;

    Events(Sql sql) {
        this.sql = sql;
    }

    /** How many events were added through this handle so far (a work that added some wakes the publisher). */
    public long added() {
        return added;
    }

    /** Adds an event to publish. */
    public void add(UUID id, String workspace, String dispatchId, Optional<String> deliveryId, String type,
                    String payload, Instant now, Instant expiresAt) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO event (id, workspace, dispatch_id, delivery_id, type, payload, "
                + "status, attempts, next_attempt_at, expires_at, created_at, updated_at) "
                + "VALUES (?,?,?,?,?,?,'pending',0,?,?,?,?)");
        ps.setString(1, id.toString());
        ps.setString(2, workspace);
        ps.setString(3, dispatchId);
        Rows.setOptional(ps, 4, deliveryId);
        ps.setString(5, type);
        ps.setString(6, payload);
        ps.setLong(7, Rows.millis(now));
        ps.setLong(8, Rows.millis(expiresAt));
        ps.setLong(9, Rows.millis(now));
        ps.setLong(10, Rows.millis(now));
        ps.executeUpdate();
        added++;
    }

    /**
     * Due events that are the oldest pending event of their dispatch (so each dispatch's events go out in
     * order), skipping dispatches with an event already being published; on a shared journal, events another
     * node holds are passed over.
     */
    public List<EventRow> due(Instant now, int limit, Collection<String> busyDispatches) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM event e WHERE e.status = 'pending' "
                + "AND e.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM event p WHERE p.dispatch_id = e.dispatch_id "
                + "AND p.status = 'pending' AND p.seq < e.seq) ORDER BY e.seq LIMIT ?" + sql.dialect().skipLocked());
        ps.setLong(1, Rows.millis(now));
        ps.setInt(2, limit + busyDispatches.size());
        List<EventRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next() && out.size() < limit) {
                EventRow e = row(rs);
                if (!busyDispatches.contains(e.dispatchId())) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Makes events not due again before {@code until}: a lease while a node publishes them. */
    public void postpone(Collection<Long> seqs, Instant until) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE event SET next_attempt_at = ? WHERE seq = ?");
        for (long seq : seqs) {
            ps.setLong(1, Rows.millis(until));
            ps.setLong(2, seq);
            ps.addBatch();
        }
        ps.executeBatch();
    }

    /**
     * Records a publish attempt of {@code e}: {@code published}, {@code pending} again at {@code next}, or
     * {@code dead}; only if the event is still waiting on that attempt (a node that took it over after a lease
     * ran out may have recorded it first).
     *
     * @return whether it was written
     */
    public boolean record(EventRow e, String status, Optional<Instant> next, Optional<String> error, Instant now)
            throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE event SET status = ?, attempts = attempts + 1, "
                + "next_attempt_at = COALESCE(?, next_attempt_at), last_error = COALESCE(?, last_error), "
                + "updated_at = ? WHERE seq = ? AND status = 'pending' AND attempts = ?");
        ps.setString(1, status);
        if (next.isPresent()) {
            ps.setLong(2, Rows.millis(next.get()));
        } else {
            ps.setNull(2, java.sql.Types.BIGINT);
        }
        Rows.setOptional(ps, 3, error);
        ps.setLong(4, Rows.millis(now));
        ps.setLong(5, e.seq());
        ps.setInt(6, e.attempts());
        return ps.executeUpdate() == 1;
    }

    /** The events of a dispatch, oldest first (the status API and tests). */
    public List<EventRow> forDispatch(String dispatchId) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM event WHERE dispatch_id = ? ORDER BY seq");
        ps.setString(1, dispatchId);
        List<EventRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** Deletes finished events last updated before {@code before}, at most {@code limit}. */
    public int purge(Instant before, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("DELETE FROM event WHERE seq IN (SELECT seq FROM event WHERE "
                + "status <> 'pending' AND updated_at < ? LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    private static EventRow row(ResultSet rs) throws SQLException {
        return new EventRow(rs.getLong("seq"), UUID.fromString(rs.getString("id")), rs.getString("workspace"),
                rs.getString("dispatch_id"), Rows.optional(rs, "delivery_id"), rs.getString("type"),
                rs.getString("payload"), rs.getString("status"), rs.getInt("attempts"),
                Rows.instant(rs, "next_attempt_at"), Rows.instant(rs, "expires_at"), Rows.optional(rs, "last_error"),
                Rows.instant(rs, "created_at"));
    }
}
