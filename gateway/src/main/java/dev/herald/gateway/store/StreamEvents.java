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

/**
 * The {@code stream_chunk} outbox of the Currents-style stream and its {@code stream_connector} state. Events are
 * written in the transaction of the change they report, but not as a row each: a transaction's events are held back
 * like its usage counts ({@link JdbcTx#endWork}, dropped with a unit of work that rolls back) and written just
 * before it commits as one row per workspace, a chunk of up to {@value #MAX_CHUNK} events, one JSON object per
 * line. On the single writer that is one insert per group commit instead of one per event, which is most of what
 * the stream cost deliveries. A published prefix of a chunk is remembered in {@code sent}; a chunk is deleted once
 * all of it is published. Chunks a connector could not take before their age limit stay as {@code dead} until
 * replayed. A workspace's stream is leased to one node at a time, so its batches go out one after another, in order.
 */
public final class StreamEvents {
    /** The most events one chunk holds (a transaction with more writes more chunks). */
    static final int MAX_CHUNK = 1024;
    private static final int INDEX_BITS = 10;
    private static final String COLUMNS = "seq, workspace, status, events, sent, payload, attempts, last_error, "
            + "created_at, expires_at";
    private static final String INSERT = "INSERT INTO stream_chunk (workspace, status, events, sent, payload, "
            + "attempts, created_at, expires_at, updated_at) VALUES (?, 'pending', ?, 0, ?, 0, ?, ?, ?)";

    private final Sql sql;
    /** Events added by the unit of work under way. */
    private final List<Held> work = new ArrayList<>();
    /** Chunks of the units of work of this transaction that succeeded, not yet written, per workspace. */
    private final Map<String, Chunk> open = new LinkedHashMap<>();
    private final List<Chunk> full = new ArrayList<>();

    StreamEvents(Sql sql) {
        this.sql = sql;
    }

    private record Held(String workspace, String payload, Instant now, Instant expiresAt) {
    }

    /** A chunk being filled: its events' JSON, one per line. */
    private static final class Chunk {
        final String workspace;
        final StringBuilder payload = new StringBuilder(4096);
        final Instant createdAt;
        Instant expiresAt;
        int events;

        Chunk(Held first) {
            this.workspace = first.workspace();
            this.createdAt = first.now();
            this.expiresAt = first.expiresAt();
        }

        void add(Held e) {
            if (events > 0) {
                payload.append('\n');
            }
            payload.append(e.payload());
            events++;
            if (e.expiresAt().isBefore(expiresAt)) {
                expiresAt = e.expiresAt();
            }
        }
    }

    /** An event's place in a workspace's stream as one number: its chunk's seq, then its index in the chunk. */
    static long position(long seq, int index) {
        return (seq << INDEX_BITS) | index;
    }

    /**
     * Adds an event to publish, written with the transaction's other held writes just before it commits (nothing
     * if the unit of work adding it rolls back).
     *
     * @param payload the event's JSON, on one line, with its {@code id}, {@code event_type} and
     *                {@code properties.dispatch_id}
     */
    public void add(String workspace, String payload, Instant now, Instant expiresAt) {
        work.add(new Held(workspace, payload, now, expiresAt));
    }

    /** The unit of work under way ended: its events are kept for the commit if it succeeded, dropped if not. */
    void endWork(boolean succeeded) {
        if (succeeded) {
            for (Held e : work) {
                Chunk c = open.get(e.workspace());
                if (c == null || c.events == MAX_CHUNK) {
                    if (c != null) {
                        full.add(c);
                    }
                    c = new Chunk(e);
                    open.put(e.workspace(), c);
                }
                c.add(e);
            }
        }
        work.clear();
    }

    /** Writes the held events, one row per chunk, in one batch. */
    void writeHeld() throws SQLException {
        if (open.isEmpty()) {
            return;
        }
        try {
            full.addAll(open.values());
            PreparedStatement ps = sql.prepare(INSERT);
            ps.clearBatch(); // a batch a failed run left behind is not this one's
            for (Chunk c : full) {
                ps.setString(1, c.workspace);
                ps.setInt(2, c.events);
                ps.setString(3, c.payload.toString());
                ps.setLong(4, Rows.millis(c.createdAt));
                ps.setLong(5, Rows.millis(c.expiresAt));
                ps.setLong(6, Rows.millis(c.createdAt));
                ps.addBatch();
            }
            ps.executeBatch();
        } finally {
            discard();
        }
    }

    /** Drops every event not yet written (the transaction is rolled back). */
    void discard() {
        work.clear();
        open.clear();
        full.clear();
    }

    /** The workspace's oldest pending events, at most {@code limit}, oldest first. */
    public List<StreamEventRow> oldestPending(String workspace, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM stream_chunk WHERE workspace = ? "
                + "AND status = 'pending' ORDER BY seq LIMIT ?");
        ps.setString(1, workspace);
        ps.setInt(2, limit); // each chunk holds at least one event
        return events(ps, -1, limit);
    }

    /** The workspace's dead events after {@code afterPosition}, at most {@code limit}, oldest first. */
    public List<StreamEventRow> dead(String workspace, long afterPosition, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM stream_chunk WHERE workspace = ? "
                + "AND status = 'dead' AND seq >= ? ORDER BY seq LIMIT ?");
        ps.setString(1, workspace);
        ps.setLong(2, afterPosition >> INDEX_BITS);
        ps.setInt(3, limit + 1); // the first may hold nothing after the cursor
        return events(ps, afterPosition, limit);
    }

    /** Forgets published events: a chunk published to its end is deleted, else its published prefix is noted. */
    public void published(List<StreamEventRow> events) throws SQLException {
        PreparedStatement delete = sql.prepare("DELETE FROM stream_chunk WHERE seq = ?");
        PreparedStatement sent = sql.prepare("UPDATE stream_chunk SET sent = ? WHERE seq = ? AND sent < ?");
        for (StreamEventRow last : lastOfEachChunk(events)) {
            if (last.index() + 1 >= last.chunkEvents()) {
                delete.setLong(1, last.seq());
                delete.executeUpdate();
            } else {
                sent.setInt(1, last.index() + 1);
                sent.setLong(2, last.seq());
                sent.setInt(3, last.index() + 1);
                sent.executeUpdate();
            }
        }
    }

    /**
     * Records a failed batch: each chunk's attempts and error; chunks past their age limit become {@code dead}, with
     * every event of theirs not yet published.
     *
     * @return how many events became dead
     */
    public int failed(List<StreamEventRow> events, String error, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE stream_chunk SET attempts = attempts + 1, last_error = ?, "
                + "status = CASE WHEN expires_at <= ? THEN 'dead' ELSE status END, updated_at = ? "
                + "WHERE seq = ? AND status = 'pending'");
        int dead = 0;
        long seq = -1;
        for (StreamEventRow e : events) {
            if (e.seq() == seq) {
                continue;
            }
            seq = e.seq();
            ps.setString(1, error);
            ps.setLong(2, Rows.millis(now));
            ps.setLong(3, Rows.millis(now));
            ps.setLong(4, seq);
            if (ps.executeUpdate() == 1 && !e.expiresAt().isAfter(now)) {
                dead += e.chunkEvents() - e.index(); // the batch starts at the chunk's first unpublished event
            }
        }
        return dead;
    }

    /**
     * Makes the workspace's oldest dead chunks pending again, about {@code limit} events (at least one chunk), with
     * a fresh age limit; they keep their ids and their place in the order.
     *
     * @return how many events
     */
    public int replayDead(String workspace, int limit, Instant now, Instant expiresAt) throws SQLException {
        PreparedStatement pick = sql.prepare("SELECT seq, events - sent FROM stream_chunk WHERE workspace = ? "
                + "AND status = 'dead' ORDER BY seq LIMIT ?");
        pick.setString(1, workspace);
        pick.setInt(2, limit);
        List<Long> chunks = new ArrayList<>();
        int events = 0;
        try (ResultSet rs = pick.executeQuery()) {
            while (events < limit && rs.next()) {
                chunks.add(rs.getLong(1));
                events += rs.getInt(2);
            }
        }
        PreparedStatement ps = sql.prepare("UPDATE stream_chunk SET status = 'pending', attempts = 0, "
                + "expires_at = ?, updated_at = ? WHERE seq = ?");
        for (long seq : chunks) {
            ps.setLong(1, Rows.millis(expiresAt));
            ps.setLong(2, Rows.millis(now));
            ps.setLong(3, seq);
            ps.addBatch();
        }
        if (!chunks.isEmpty()) {
            ps.executeBatch();
        }
        return events;
    }

    /** Ends the connector's backoff: its next batch may go at once (after a replay). */
    public void retryNow(String workspace) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE stream_connector SET next_attempt_at = 0 WHERE workspace = ?");
        ps.setString(1, workspace);
        ps.executeUpdate();
    }

    /** Events held per workspace, pending and dead (what the outbox bound counts). */
    public Map<String, Long> heldCounts() throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT workspace, SUM(events - sent) FROM stream_chunk GROUP BY workspace");
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

    /**
     * Deletes dead chunks last touched before {@code before}, at most {@code limit}.
     *
     * @return how many events they held
     */
    public int purgeDead(Instant before, int limit) throws SQLException {
        PreparedStatement count = sql.prepare("SELECT COALESCE(SUM(events - sent), 0) FROM (SELECT events, sent "
                + "FROM stream_chunk WHERE status = 'dead' AND updated_at < ? ORDER BY seq LIMIT ?) old");
        count.setLong(1, Rows.millis(before));
        count.setInt(2, limit);
        int events;
        try (ResultSet rs = count.executeQuery()) {
            events = rs.next() ? rs.getInt(1) : 0;
        }
        if (events == 0) {
            return 0;
        }
        PreparedStatement ps = sql.prepare("DELETE FROM stream_chunk WHERE seq IN (SELECT seq FROM stream_chunk "
                + "WHERE status = 'dead' AND updated_at < ? ORDER BY seq LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        ps.executeUpdate();
        return events;
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
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM stream_chunk WHERE workspace = ? ORDER BY seq");
        ps.setString(1, workspace);
        return events(ps, -1, Integer.MAX_VALUE);
    }

    /** The last event of each chunk among {@code events} (which are in order). */
    private static List<StreamEventRow> lastOfEachChunk(List<StreamEventRow> events) {
        List<StreamEventRow> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (i + 1 == events.size() || events.get(i + 1).seq() != events.get(i).seq()) {
                out.add(events.get(i));
            }
        }
        return out;
    }

    /** The unpublished events of the chunks {@code ps} reads, after {@code afterPosition}, at most {@code limit}. */
    private static List<StreamEventRow> events(PreparedStatement ps, long afterPosition, int limit)
            throws SQLException {
        List<StreamEventRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (out.size() < limit && rs.next()) {
                long seq = rs.getLong("seq");
                int count = rs.getInt("events");
                int sent = rs.getInt("sent");
                String[] lines = rs.getString("payload").split("\n", -1);
                String workspace = rs.getString("workspace");
                String status = rs.getString("status");
                int attempts = rs.getInt("attempts");
                Optional<String> lastError = Rows.optional(rs, "last_error");
                Instant created = Rows.instant(rs, "created_at");
                Instant expires = Rows.instant(rs, "expires_at");
                for (int i = sent; i < lines.length && out.size() < limit; i++) {
                    if (position(seq, i) > afterPosition) {
                        out.add(new StreamEventRow(seq, i, count, workspace, lines[i], status, attempts, lastError,
                                created, expires));
                    }
                }
            }
        }
        return out;
    }
}
