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

    /** Creates the claim table of the writer connection (it lives as long as the connection). */
    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS claimed (id TEXT PRIMARY KEY, attempt INTEGER NOT NULL)");
        }
        c.commit();
    }

    @Override
    public List<ClaimedDelivery> claimDue(ClaimQuery q, Predicate<DeliveryRow> admit, List<ExpiredDelivery> ended)
            throws SQLException {
        PreparedStatement select = sql.prepare("SELECT " + Deliveries.D_COLUMNS + ", p.kind AS p_kind, "
                + "p.spec_version AS p_spec_version, p.spec AS p_spec FROM delivery d "
                + "JOIN dispatch p ON p.id = d.dispatch_id "
                + "WHERE d.status = 'queued' AND d.lane = ? AND d.workspace = ? AND d.egress_key = ? "
                + "AND d.next_attempt_at <= ? AND d.id NOT IN (SELECT id FROM temp.claimed) "
                + "ORDER BY d.next_attempt_at LIMIT ?");
        select.setString(1, q.lane().dbName());
        select.setString(2, q.workspace());
        select.setString(3, q.egressKey());
        select.setLong(4, q.now().toEpochMilli());
        select.setInt(5, q.limit());
        List<ClaimedDelivery> claimed = new ArrayList<>();
        List<ExpiredDelivery> expired = new ArrayList<>();
        // A dispatch's deliveries come in runs: its spec is read once per claim, not once per row.
        Map<String, StoredSpec> specs = new HashMap<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                DeliveryRow row = Deliveries.row(rs);
                boolean past = !row.expiresAt().isAfter(q.now());
                if (past || admit.test(row)) {
                    StoredSpec spec = specs.get(row.dispatchId());
                    if (spec == null) {
                        spec = new StoredSpec(rs.getInt("p_spec_version"), rs.getString("p_spec"));
                        specs.put(row.dispatchId(), spec);
                    }
                    if (past) {
                        expired.add(new ExpiredDelivery(row, DispatchKind.fromDb(rs.getString("p_kind"))
                                .orElseThrow(), spec, ""));
                        continue;
                    }
                    DeliveryRow attempt = withAttempt(row, q.now());
                    claimed.add(new ClaimedDelivery(attempt, DispatchKind.fromDb(rs.getString("p_kind")).orElseThrow(),
                            spec, new ClaimToken(row.id(), attempt.attempts(), owner)));
                }
            }
        }
        PreparedStatement claim = sql.prepare("INSERT INTO temp.claimed (id, attempt) VALUES (?, ?)");
        for (ClaimedDelivery c : claimed) {
            claim.setString(1, c.delivery().id().toString());
            claim.setInt(2, c.token().attempt());
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
        PreparedStatement release = sql.prepare("DELETE FROM temp.claimed WHERE id = ? AND attempt = ?");
        release.setString(1, token.delivery().toString());
        release.setInt(2, token.attempt());
        if (!owner.equals(token.owner()) || release.executeUpdate() != 1) {
            stale.incrementAndGet();
            return false;
        }
        PreparedStatement ps = sql.prepare(Deliveries.outcomeUpdate("", ""));
        Deliveries.bindOutcome(ps, u, u.nextAttemptAt(), now, token);
        if (ps.executeUpdate() != 1) {
            stale.incrementAndGet(); // the delivery moved on meanwhile (a user deleted, say)
            return false;
        }
        return true;
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
