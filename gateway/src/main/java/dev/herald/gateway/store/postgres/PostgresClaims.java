package dev.herald.gateway.store.postgres;

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
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Claims on a journal several nodes share. Due rows are selected {@code FOR UPDATE SKIP LOCKED} (another node's
 * claim in progress is passed over, never waited for), and a claim is a lease: the row stays {@code queued}, its
 * {@code lease_owner} names this node and its {@code next_attempt_at} becomes the lease's end, so it is not due for
 * anyone while the lease lasts and falls due again by itself if this node dies. The heartbeat pushes the end out
 * while the send runs. The outcome is written only if this node still holds the lease of that attempt.
 */
final class PostgresClaims implements Claims {
    private final Sql sql;
    private final Deliveries deliveries;
    private final Events events;
    private final Leases leases;
    /** Claimed in the transaction under way: no longer this node's if it is rolled back. */
    private final List<UUID> uncommitted = new ArrayList<>();

    PostgresClaims(JdbcTx tx, Leases leases) {
        this.sql = tx.sql();
        this.deliveries = tx.deliveries();
        this.events = tx.events();
        this.leases = leases;
    }

    @Override
    public List<ClaimedDelivery> claimDue(ClaimQuery q, Predicate<DeliveryRow> admit, List<ExpiredDelivery> ended)
            throws SQLException {
        PreparedStatement select = sql.prepare("SELECT " + Deliveries.D_COLUMNS + ", p.kind AS p_kind, "
                + "p.spec_version AS p_spec_version, p.spec AS p_spec FROM delivery d "
                + "JOIN dispatch p ON p.id = d.dispatch_id "
                + "WHERE d.status = 'queued' AND d.lane = ? AND d.workspace = ? AND d.egress_key = ? "
                + "AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE OF d SKIP LOCKED");
        select.setString(1, q.lane().dbName());
        select.setString(2, q.workspace());
        select.setString(3, q.egressKey());
        select.setLong(4, q.now().toEpochMilli());
        select.setInt(5, q.limit());
        List<ClaimedDelivery> claimed = new ArrayList<>();
        List<ExpiredDelivery> expired = new ArrayList<>();
        Map<String, StoredSpec> specs = new HashMap<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                DeliveryRow row = Deliveries.row(rs);
                if (leases.held().contains(row.id())) {
                    continue; // still being sent here (a clock stepped past the lease): never claimed twice
                }
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
                            spec, new ClaimToken(row.id(), attempt.attempts(), leases.owner())));
                }
            }
        }
        if (!claimed.isEmpty()) {
            PreparedStatement lease = sql.prepare("UPDATE delivery SET lease_owner = ?, next_attempt_at = ? "
                    + "WHERE id = ANY (?)");
            lease.setString(1, leases.owner());
            lease.setLong(2, q.now().plus(leases.lease()).toEpochMilli());
            lease.setArray(3, ids(claimed.stream().map(c -> c.delivery().id()).toList()));
            lease.executeUpdate();
            for (ClaimedDelivery c : claimed) {
                leases.held().add(c.delivery().id());
                uncommitted.add(c.delivery().id());
            }
        }
        for (ExpiredDelivery e : expired) {
            ended.add(new ExpiredDelivery(e.delivery(), e.kind(), e.spec(), deliveries.expire(e.delivery(), q.now())));
        }
        return claimed;
    }

    /** How many claims the transaction under way has made so far (a mark to roll back to). */
    int claimsSoFar() {
        return uncommitted.size();
    }

    /** The transaction under way committed: its claims stand. */
    void committed() {
        uncommitted.clear();
    }

    /** The transaction under way rolled back: none of its claims were made. */
    void rolledBack() {
        rolledBackTo(0);
    }

    /** The transaction under way rolled back to when it had made {@code mark} claims: the later ones were not made. */
    void rolledBackTo(int mark) {
        List<UUID> undone = uncommitted.subList(mark, uncommitted.size());
        undone.forEach(leases.held()::remove);
        undone.clear();
    }

    private Array ids(Collection<UUID> ids) throws SQLException {
        return sql.connection().createArrayOf("text", ids.stream().map(UUID::toString).toArray());
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

    /** The outcomes in one round trip: a batch of conditional updates, each counted on its own. */
    @Override
    public boolean[] recordAll(List<AttemptOutcome> outcomes, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare(Deliveries.outcomeUpdate("lease_owner = NULL", "lease_owner = ?"));
        ps.clearBatch(); // a batch a failed run left behind is not this one's
        for (AttemptOutcome o : outcomes) {
            ClaimToken token = o.token();
            DeliveryUpdate u = o.update();
            if (leases.owner().equals(token.owner())) {
                leases.held().remove(token.delivery());
            }
            // Queued again with no time given: due now, not at the end of the lease it was claimed with.
            Deliveries.bindOutcome(ps, u, u.nextAttemptAt().or(() -> u.status() == DeliveryStatus.QUEUED
                    ? Optional.of(now) : Optional.empty()), now, token);
            ps.setString(9, token.owner());
            ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        boolean[] applied = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
            applied[i] = counts[i] == 1;
            if (!applied[i]) {
                leases.stale().incrementAndGet(); // another node took it over after the lease ran out, or it moved on
            }
        }
        return applied;
    }

    /** Pushes the end of this node's leases on {@code held} out to {@code now} + the lease; returns how many. */
    int renew(Collection<UUID> held, Instant now) throws SQLException {
        if (held.isEmpty()) {
            return 0;
        }
        // Rows taken in id order and skipping any locked now: a renewal never deadlocks with the outcomes written
        // meanwhile, and a row whose outcome is being written needs no renewal.
        PreparedStatement ps = sql.prepare("UPDATE delivery SET next_attempt_at = ? WHERE id IN (SELECT id FROM "
                + "delivery WHERE id = ANY (?) AND lease_owner = ? AND status = 'queued' ORDER BY id "
                + "FOR UPDATE SKIP LOCKED)");
        ps.setLong(1, now.plus(leases.lease()).toEpochMilli());
        ps.setArray(2, ids(held));
        ps.setString(3, leases.owner());
        return ps.executeUpdate();
    }

    @Override
    public long staleOutcomes() {
        return leases.stale().get();
    }

    @Override
    public List<EventRow> claimEvents(Instant now, int limit, Collection<String> busyDispatches) throws SQLException {
        List<EventRow> due = events.due(now, limit, busyDispatches);
        if (!due.isEmpty()) {
            events.postpone(due.stream().map(EventRow::seq).toList(), now.plus(leases.lease()));
        }
        return due;
    }

    @Override
    public boolean lead(String task) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT pg_try_advisory_xact_lock(?)");
        ps.setLong(1, 0x4845_5241_0000_0000L | (task.hashCode() & 0xffff_ffffL));
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
