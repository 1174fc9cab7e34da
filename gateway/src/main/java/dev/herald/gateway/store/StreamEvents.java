package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code stream_event} outbox of the Currents-style stream and its {@code stream_connector} state. Events are
 * inserted in the transaction of the change they report and deleted once a batch carrying them is published;
 * those a connector could not take before their age limit stay as {@code dead} until replayed. A workspace's stream
 * is leased to one node at a time, so its batches go out one after another, in order.
 */
public final class StreamEvents {
    private static final String COLUMNS = "seq, id, workspace, dispatch_id, type, payload, status, attempts, "
            + "last_error, created_at, expires_at";

    private final Sql sql;

    StreamEvents(Sql sql) {
        this.sql = sql;
    }

    /** Adds an event to publish (with the transaction's other deferred writes, where the engine defers them). */
    public void add(UUID id, String workspace, String dispatchId, String type, String payload, Instant now,
                    Instant expiresAt) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("INSERT INTO stream_event (id, workspace, dispatch_id, type, "
                + "payload, status, attempts, created_at, expires_at, updated_at) "
                + "VALUES (?,?,?,?,?,'pending',0,?,?,?)");
        ps.setString(1, id.toString());
        ps.setString(2, workspace);
        ps.setString(3, dispatchId);
        ps.setString(4, type);
        ps.setString(5, payload);
        ps.setLong(6, Rows.millis(now));
        ps.setLong(7, Rows.millis(expiresAt));
        ps.setLong(8, Rows.millis(now));
        sql.executeLater(ps);
    }

    /** The workspace's oldest pending events, at most {@code limit}, oldest first. */
    public List<StreamEventRow> oldestPending(String workspace, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM stream_event WHERE workspace = ? "
                + "AND status = 'pending' ORDER BY seq LIMIT ?");
        ps.setString(1, workspace);
        ps.setInt(2, limit);
        return rows(ps);
    }

    /** The workspace's dead events after {@code afterSeq}, at most {@code limit}, oldest first. */
    public List<StreamEventRow> dead(String workspace, long afterSeq, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM stream_event WHERE workspace = ? "
                + "AND status = 'dead' AND seq > ? ORDER BY seq LIMIT ?");
        ps.setString(1, workspace);
        ps.setLong(2, afterSeq);
        ps.setInt(3, limit);
        return rows(ps);
    }

    /** Deletes published events. */
    public void published(List<StreamEventRow> events) throws SQLException {
        PreparedStatement ps = sql.prepare("DELETE FROM stream_event WHERE seq = ?");
        for (StreamEventRow e : events) {
            ps.setLong(1, e.seq());
            ps.addBatch();
        }
        ps.executeBatch();
    }

    /**
     * Records a failed batch: each event's attempts and error; those past their age limit become {@code dead}.
     *
     * @return how many became dead
     */
    public int failed(List<StreamEventRow> events, String error, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE stream_event SET attempts = attempts + 1, last_error = ?, "
                + "status = CASE WHEN expires_at <= ? THEN 'dead' ELSE status END, updated_at = ? "
                + "WHERE seq = ? AND status = 'pending'");
        int dead = 0;
        for (StreamEventRow e : events) {
            ps.setString(1, error);
            ps.setLong(2, Rows.millis(now));
            ps.setLong(3, Rows.millis(now));
            ps.setLong(4, e.seq());
            ps.addBatch();
            if (!e.expiresAt().isAfter(now)) {
                dead++;
            }
        }
        ps.executeBatch();
        return dead;
    }

    /**
     * Makes up to {@code limit} of the workspace's dead events pending again, with a fresh age limit; they keep their
     * ids and their place in the order.
     *
     * @return how many
     */
    public int replayDead(String workspace, int limit, Instant now, Instant expiresAt) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE stream_event SET status = 'pending', attempts = 0, expires_at = ?, "
                + "updated_at = ? WHERE seq IN (SELECT seq FROM stream_event WHERE workspace = ? AND status = 'dead' "
                + "ORDER BY seq LIMIT ?)");
        ps.setLong(1, Rows.millis(expiresAt));
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, workspace);
        ps.setInt(4, limit);
        return ps.executeUpdate();
    }

    /** Ends the connector's backoff: its next batch may go at once (after a replay). */
    public void retryNow(String workspace) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE stream_connector SET next_attempt_at = 0 WHERE workspace = ?");
        ps.setString(1, workspace);
        ps.executeUpdate();
    }

    /** Events held per workspace, pending and dead (what the outbox bound counts). */
    public Map<String, Long> heldCounts() throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT workspace, COUNT(*) FROM stream_event GROUP BY workspace");
        Map<String, Long> out = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /**
     * Takes the workspace's stream for {@code owner} until {@code until}, if nobody else holds it and its backoff
     * has passed.
     *
     * @return whether {@code owner} holds it now
     */
    public boolean lease(String workspace, String owner, Instant now, Instant until) throws SQLException {
        PreparedStatement insert = sql.prepare("INSERT INTO stream_connector (workspace) VALUES (?) "
                + "ON CONFLICT (workspace) DO NOTHING");
        insert.setString(1, workspace);
        insert.executeUpdate();
        PreparedStatement ps = sql.prepare("UPDATE stream_connector SET lease_owner = ?, lease_until = ? "
                + "WHERE workspace = ? AND next_attempt_at <= ? AND (lease_owner IS NULL OR lease_owner = ? "
                + "OR lease_until < ?)");
        ps.setString(1, owner);
        ps.setLong(2, Rows.millis(until));
        ps.setString(3, workspace);
        ps.setLong(4, Rows.millis(now));
        ps.setString(5, owner);
        ps.setLong(6, Rows.millis(now));
        return ps.executeUpdate() == 1;
    }

    /**
     * Gives the stream back after a batch: {@code failure} empty clears the backoff, else it is the batch's error and
     * the connector waits until {@code nextAttemptAt}.
     */
    public void release(String workspace, String owner, Optional<String> failure, Instant nextAttemptAt)
            throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE stream_connector SET lease_owner = NULL, lease_until = 0, "
                + "next_attempt_at = ?, failures = CASE WHEN ? = 1 THEN failures + 1 ELSE 0 END, "
                + "last_error = COALESCE(?, last_error) WHERE workspace = ? AND lease_owner = ?");
        ps.setLong(1, Rows.millis(nextAttemptAt));
        ps.setInt(2, failure.isPresent() ? 1 : 0);
        Rows.setOptional(ps, 3, failure);
        ps.setString(4, workspace);
        ps.setString(5, owner);
        ps.executeUpdate();
    }

    /**
     * Keeps {@code owner}'s lease after a published batch, until {@code until}, and clears any backoff.
     *
     * @return whether {@code owner} still held it (else another node took it over after it lapsed)
     */
    public boolean renew(String workspace, String owner, Instant until) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE stream_connector SET lease_until = ?, next_attempt_at = 0, "
                + "failures = 0 WHERE workspace = ? AND lease_owner = ?");
        ps.setLong(1, Rows.millis(until));
        ps.setString(2, workspace);
        ps.setString(3, owner);
        return ps.executeUpdate() == 1;
    }

    /** Gives up {@code owner}'s lease without touching the connector's backoff (a stopping node). */
    public void giveBack(String workspace, String owner) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE stream_connector SET lease_owner = NULL, lease_until = 0 "
                + "WHERE workspace = ? AND lease_owner = ?");
        ps.setString(1, workspace);
        ps.setString(2, owner);
        ps.executeUpdate();
    }

    /** Deletes dead events last touched before {@code before}, at most {@code limit}. */
    public int purgeDead(Instant before, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("DELETE FROM stream_event WHERE seq IN (SELECT seq FROM stream_event "
                + "WHERE status = 'dead' AND updated_at < ? LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    /** The connector's state, if it ever ran. */
    public Optional<StreamConnector> connector(String workspace) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT workspace, next_attempt_at, failures, last_error "
                + "FROM stream_connector WHERE workspace = ?");
        ps.setString(1, workspace);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new StreamConnector(rs.getString(1), Rows.instant(rs, "next_attempt_at"),
                    rs.getInt(3), Rows.optional(rs, "last_error")));
        }
    }

    /** The workspace's events in order, pending and dead (tests and diagnostics). */
    public List<StreamEventRow> all(String workspace) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM stream_event WHERE workspace = ? ORDER BY seq");
        ps.setString(1, workspace);
        return rows(ps);
    }

    private static List<StreamEventRow> rows(PreparedStatement ps) throws SQLException {
        List<StreamEventRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StreamEventRow(rs.getLong("seq"), UUID.fromString(rs.getString("id")),
                        rs.getString("workspace"), rs.getString("dispatch_id"), rs.getString("type"),
                        rs.getString("payload"), rs.getString("status"), rs.getInt("attempts"),
                        Rows.optional(rs, "last_error"), Rows.instant(rs, "created_at"),
                        Rows.instant(rs, "expires_at")));
            }
        }
        return out;
    }
}
