package dev.herald.gateway.store.sqlite;

import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.StoredSpec;
import dev.herald.gateway.store.AttemptOutcome;
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
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** Outcomes written per pair of statements (see {@link #recordAll}). */
    private static final int OUTCOMES_PER_STATEMENT = 64;

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
        return recordAll(List.of(new AttemptOutcome(token, u)), now)[0];
    }

    /**
     * The outcomes in two statements per {@value #OUTCOMES_PER_STATEMENT}: one releases the claims this process
     * still holds for those attempts and gives their journal rows, one writes every released row still waiting on
     * its attempt. One by one, each outcome cost two statements of its own, a fifth of the single writer's time under
     * the push benchmark. Both are in the caller's transaction, so a failed write rolls the releases back too.
     */
    @Override
    public boolean[] recordAll(List<AttemptOutcome> outcomes, Instant now) throws SQLException {
        boolean[] applied = new boolean[outcomes.size()];
        for (int from = 0; from < outcomes.size(); ) {
            int rest = outcomes.size() - from;
            // Whole statements, then halves, quarters...: a handful of statement texts to prepare, not one per size.
            int n = rest >= OUTCOMES_PER_STATEMENT ? OUTCOMES_PER_STATEMENT : Integer.highestOneBit(rest);
            recordChunk(outcomes.subList(from, from + n), now, applied, from);
            from += n;
        }
        for (boolean a : applied) {
            if (!a) {
                stale.incrementAndGet(); // a claim not held (another owner, another attempt) or a delivery moved on
            }
        }
        return applied;
    }

    /**
     * Releases the claims of {@code n} (delivery id, attempt) pairs, each found by its id; returns the journal row
     * and id of each claim it released.
     */
    static String release(int n) {
        return "DELETE FROM temp.claimed WHERE rowid IN (SELECT c.rowid FROM (VALUES " + "(?,?),".repeat(n - 1)
                + "(?,?)) AS v JOIN temp.claimed c ON c.id = v.column1 AND c.attempt = v.column2) "
                + "RETURNING delivery, id";
    }

    /**
     * Writes {@code n} outcomes, each only to its row still waiting on that attempt; returns the rows written. A row
     * of values is what {@link Deliveries#bindOutcome} binds (status, next attempt, error, provider id, detail, time,
     * id, attempts before this one), then the journal row.
     */
    static String outcomes(int n) {
        return "WITH v(status, next_at, err, pid, detail, at, id, prior, r) AS (VALUES "
                + "(?,?,?,?,?,?,?,?,?),".repeat(n - 1) + "(?,?,?,?,?,?,?,?,?)) "
                + "UPDATE delivery SET "
                + Deliveries.outcomeAssignments("v.status", "v.next_at", "v.err", "v.pid", "v.detail", "v.at")
                + " FROM v WHERE delivery.rowid = v.r AND " + Deliveries.outcomeCondition("v.id", "v.prior")
                + " RETURNING rowid";
    }

    private void recordChunk(List<AttemptOutcome> chunk, Instant now, boolean[] applied, int offset)
            throws SQLException {
        int n = chunk.size();
        PreparedStatement release = sql.prepare(release(n));
        for (int i = 0; i < n; i++) {
            ClaimToken token = chunk.get(i).token();
            if (owner.equals(token.owner())) {
                release.setString(2 * i + 1, token.delivery().toString());
            } else {
                release.setNull(2 * i + 1, Types.VARCHAR); // another process's claim: nothing to release
            }
            release.setInt(2 * i + 2, token.attempt());
        }
        Map<String, Long> released = new HashMap<>();
        try (ResultSet rs = release.executeQuery()) {
            while (rs.next()) {
                released.put(rs.getString(2), rs.getLong(1));
            }
        }
        if (released.isEmpty()) {
            return;
        }
        // Found by row number (the id is checked too): one seek of the table each, none of the id index.
        PreparedStatement write = sql.prepare(outcomes(n));
        long[] rows = new long[n];
        for (int i = 0; i < n; i++) {
            AttemptOutcome o = chunk.get(i);
            DeliveryUpdate u = o.update();
            // A claim is released once: an outcome given twice in one call is applied once, like one by one.
            Long row = owner.equals(o.token().owner()) ? released.remove(o.token().delivery().toString()) : null;
            rows[i] = row == null ? -1 : row;
            Deliveries.bindOutcome(write, 9 * i, u, u.nextAttemptAt(), now, o.token());
            if (row == null) {
                write.setNull(9 * i + 9, Types.BIGINT); // matches no row
            } else {
                write.setLong(9 * i + 9, row);
            }
        }
        Set<Long> written = new HashSet<>();
        try (ResultSet rs = write.executeQuery()) {
            while (rs.next()) {
                written.add(rs.getLong(1));
            }
        }
        for (int i = 0; i < n; i++) {
            applied[offset + i] = rows[i] >= 0 && written.contains(rows[i]);
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
