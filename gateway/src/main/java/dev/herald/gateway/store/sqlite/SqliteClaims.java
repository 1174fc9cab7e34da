package dev.herald.gateway.store.sqlite;

import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.StoredSpec;
import dev.herald.gateway.store.ClaimQuery;
import dev.herald.gateway.store.ClaimToken;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.Claims;
import dev.herald.gateway.store.Deliveries;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DeliveryUpdate;
import dev.herald.gateway.store.EventRow;
import dev.herald.gateway.store.Events;
import dev.herald.gateway.store.ExpiredDelivery;
import dev.herald.gateway.store.JdbcTx;
import dev.herald.gateway.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Claims held in memory: one process owns the file, so the writer connection's TEMP table {@code claimed} (never
 * written to disk) holds the deliveries this process is sending and the attempt each claim is for. A claim costs
 * no fsync; the journal keeps the delivery {@code queued} until its outcome is written, and a crash simply leaves
 * it due again. The outcome write is conditional twice: on the claim (the TEMP row of that attempt) and on the
 * journal row still waiting on that attempt.
 */
final class SqliteClaims implements Claims {
    private final Sql sql;
    private final Deliveries deliveries;
    private final Events events;
    private final String owner;
    private final AtomicLong stale;

    SqliteClaims(JdbcTx tx, String owner, AtomicLong stale) {
        this.sql = tx.sql();
        this.deliveries = tx.deliveries();
        this.events = tx.events();
        this.owner = owner;
        this.stale = stale;
    }

    /** A lane's due deliveries of one workspace and egress key that this process does not hold, oldest due first. */
    static final String CLAIM_DUE = "SELECT " + Deliveries.D_COLUMNS + ", d.rowid AS d_row, p.kind AS p_kind "
            + "FROM delivery d "
            + "JOIN dispatch p ON p.id = d.dispatch_id "
            + "WHERE d.status = 'queued' AND d.lane = ? AND d.workspace = ? AND d.egress_key = ? "
            + "AND d.next_attempt_at <= ? AND d.rowid NOT IN (SELECT delivery FROM temp.claimed) "
            + "ORDER BY d.next_attempt_at LIMIT ?";
    /** An attempt's outcome, written to the claimed row found by its row number. */
    static final String OUTCOME = Deliveries.outcomeUpdate("", "rowid = ?");

    /** Creates the claim table of the writer connection (it lives as long as the connection). */
    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // Keyed by the journal's row number: the claim query passes over a claimed row by its due index entry
            // alone (which carries the row number), never reading the row itself, however many are in flight.
            s.execute("CREATE TEMP TABLE IF NOT EXISTS claimed (delivery INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
                    + "attempt INTEGER NOT NULL)");
        }
        c.commit();
    }

    @Override
    public List<ClaimedDelivery> claimDue(ClaimQuery q, Predicate<DeliveryRow> admit, List<ExpiredDelivery> ended)
            throws SQLException {
        PreparedStatement select = sql.prepare(CLAIM_DUE);
        select.setString(1, q.lane().dbName());
        select.setString(2, q.workspace());
        select.setString(3, q.egressKey());
        select.setLong(4, q.now().toEpochMilli());
        select.setInt(5, q.limit());
        record Taken(DeliveryRow row, DispatchKind kind, long journalRow, boolean past) {
        }
        List<Taken> taken = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                DeliveryRow row = Deliveries.row(rs);
                boolean past = !row.expiresAt().isAfter(q.now());
                if (past || admit.test(row)) {
                    taken.add(new Taken(row, DispatchKind.fromDb(rs.getString("p_kind")).orElseThrow(),
                            rs.getLong("d_row"), past));
                }
            }
        }
        // A dispatch's deliveries come in runs: its spec (the whole request, kilobytes for a send to many users) is
        // read once per claim, not carried along every row of the claim query.
        Map<String, StoredSpec> specs = new HashMap<>();
        PreparedStatement spec = sql.prepare("SELECT spec_version, spec FROM dispatch WHERE id = ?");
        for (Taken t : taken) {
            if (!specs.containsKey(t.row().dispatchId())) {
                spec.setString(1, t.row().dispatchId());
                try (ResultSet rs = spec.executeQuery()) {
                    rs.next(); // the claim query joined it: it exists
                    specs.put(t.row().dispatchId(), new StoredSpec(rs.getInt(1), rs.getString(2)));
                }
            }
        }
        List<ClaimedDelivery> claimed = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        List<ExpiredDelivery> expired = new ArrayList<>();
        for (Taken t : taken) {
            StoredSpec stored = specs.get(t.row().dispatchId());
            if (t.past()) {
                expired.add(new ExpiredDelivery(t.row(), t.kind(), stored, ""));
                continue;
            }
            DeliveryRow attempt = withAttempt(t.row(), q.now());
            claimed.add(new ClaimedDelivery(attempt, t.kind(), stored,
                    new ClaimToken(t.row().id(), attempt.attempts(), owner)));
            rows.add(t.journalRow());
        }
        PreparedStatement claim = sql.prepare("INSERT INTO temp.claimed (delivery, id, attempt) VALUES (?, ?, ?)");
        for (int i = 0; i < claimed.size(); i++) {
            ClaimedDelivery c = claimed.get(i);
            claim.setLong(1, rows.get(i));
            claim.setString(2, c.delivery().id().toString());
            claim.setInt(3, c.token().attempt());
            claim.executeUpdate();
        }
        for (ExpiredDelivery e : expired) {
            ended.add(new ExpiredDelivery(e.delivery(), e.kind(), e.spec(), deliveries.expire(e.delivery(), q.now())));
        }
        return claimed;
    }

    private static DeliveryRow withAttempt(DeliveryRow r, Instant now) {
        return new DeliveryRow(r.id(), r.dispatchId(), r.workspace(), r.channel(), r.recipient(), r.address(),
                r.egressKey(), r.lane(), DeliveryStatus.SENDING, r.attempts() + 1, r.nextAttemptAt(), r.expiresAt(),
                r.lastError(), r.providerMessageId(), r.detail(), r.createdAt(), now, r.userId(), r.appId());
    }

    @Override
    public boolean record(ClaimToken token, DeliveryUpdate u, Instant now) throws SQLException {
        OptionalLong row = owner.equals(token.owner()) ? release(token) : OptionalLong.empty();
        if (row.isEmpty()) {
            stale.incrementAndGet();
            return false;
        }
        // Found by row number (the id is checked too): one seek of the table, none of the id index.
        PreparedStatement ps = sql.prepare(OUTCOME);
        Deliveries.bindOutcome(ps, u, u.nextAttemptAt(), now, token);
        ps.setLong(9, row.getAsLong());
        if (ps.executeUpdate() != 1) {
            stale.incrementAndGet(); // the delivery moved on meanwhile (a user deleted, say)
            return false;
        }
        return true;
    }

    /**
     * Releases a claim this process still holds for that attempt, giving its journal row; empty when it holds none.
     * One statement: the outcome is written in the same transaction, so a failed write rolls the release back too.
     */
    private OptionalLong release(ClaimToken token) throws SQLException {
        PreparedStatement release = sql.prepare("DELETE FROM temp.claimed WHERE id = ? AND attempt = ? "
                + "RETURNING delivery");
        release.setString(1, token.delivery().toString());
        release.setInt(2, token.attempt());
        try (ResultSet rs = release.executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
    }

    @Override
    public long staleOutcomes() {
        return stale.get();
    }

    @Override
    public List<EventRow> claimEvents(Instant now, int limit, Collection<String> busyDispatches) throws SQLException {
        return events.due(now, limit, busyDispatches); // one process: its publisher's busy set is the whole claim
    }

    @Override
    public boolean lead(String task) {
        return true; // one process owns the file
    }
}
