package dev.herald.gateway.store;

import dev.herald.gateway.model.DeliveryStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Dead letters: the deliveries that ended {@code failed}, {@code expired} or {@code bounced}, listed per workspace in
 * the order they ended ({@code updated_at}, then id: a dead delivery's row changes no more) and queued again on
 * request. Replaying keeps the delivery's id (receivers dedupe on it) and its attempt count; it is due at once with
 * a fresh age limit, so one that expired does not expire again before its first new attempt. It is the one move
 * back a delivery ever makes (states otherwise only move forward), and only on an operator's request. Its old
 * {@code provider_message_id} is cleared: a late receipt for the dead message must not move the new attempt on.
 */
public final class DeadLetters {
    /** The dead states as the partial index {@code delivery_dead} names them: queries must say it the same way. */
    private static final String DEAD = "status IN ('bounced', 'expired', 'failed')";
    private static final Set<DeliveryStatus> DEAD_STATES = Set.of(DeliveryStatus.BOUNCED, DeliveryStatus.EXPIRED,
            DeliveryStatus.FAILED);
    private static final String COLUMNS = "id, dispatch_id, workspace, channel, recipient, address, egress_key, lane, "
            + "status, attempts, next_attempt_at, expires_at, last_error, provider_message_id, detail, created_at, "
            + "updated_at, user_id, app_id";
    private static final String REPLAY = "UPDATE delivery SET status = 'queued', next_attempt_at = ?, "
            + "expires_at = CASE WHEN expires_at > ? THEN expires_at ELSE ? END, provider_message_id = NULL, "
            + "lease_owner = NULL, updated_at = ? WHERE id = ? AND " + DEAD;

    /** Where a page of dead letters ends: the last one's end time and id. */
    public record Cursor(Instant endedAt, String id) {
        public Cursor {
            Objects.requireNonNull(endedAt, "endedAt");
            Objects.requireNonNull(id, "id");
        }

        /** The cursor after {@code d}. */
        public static Cursor after(DeliveryRow d) {
            return new Cursor(d.updatedAt(), d.id().toString());
        }
    }

    /** What one chunk of a replay did. */
    public record Replayed(int count, Optional<Cursor> last, boolean more) {
    }

    private final Sql sql;
    private final Usage usage;

    DeadLetters(Sql sql, Usage usage) {
        this.sql = sql;
        this.usage = usage;
    }

    /** Whether a delivery in this state is a dead letter. */
    public static boolean isDead(DeliveryStatus s) {
        return DEAD_STATES.contains(s);
    }

    /** Up to {@code limit} of a workspace's dead letters matching {@code filter}, after {@code after}, oldest first. */
    public List<DeliveryRow> page(String workspace, DeadLetterFilter filter, Optional<Cursor> after, int limit)
            throws SQLException {
        StringBuilder q = new StringBuilder("SELECT " + COLUMNS + " FROM delivery WHERE workspace = ? AND " + DEAD);
        List<Object> params = new ArrayList<>();
        params.add(workspace);
        filter.channel().ifPresent(c -> {
            q.append(" AND channel = ?");
            params.add(c.wireName());
        });
        filter.status().ifPresent(s -> {
            q.append(" AND status = ?");
            params.add(s.dbName());
        });
        filter.dispatchId().ifPresent(d -> {
            q.append(" AND dispatch_id = ?");
            params.add(d);
        });
        filter.endedAfter().ifPresent(t -> {
            q.append(" AND updated_at >= ?");
            params.add(Rows.millis(t));
        });
        filter.endedBefore().ifPresent(t -> {
            q.append(" AND updated_at < ?");
            params.add(Rows.millis(t));
        });
        after.ifPresent(c -> {
            q.append(" AND (updated_at, id) > (?, ?)");
            params.add(Rows.millis(c.endedAt()));
            params.add(c.id());
        });
        q.append(" ORDER BY updated_at, id LIMIT ?");
        params.add(limit);
        PreparedStatement ps = sql.prepare(q.toString());
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            switch (p) {
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                default -> throw new IllegalStateException("unexpected parameter " + p);
            }
        }
        List<DeliveryRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(Deliveries.row(rs));
            }
        }
        return out;
    }

    /**
     * A workspace's {@code limit} most recent dead letters, the latest end first: the operator's "what just failed",
     * read backwards along the same partial index.
     */
    public List<DeliveryRow> newest(String workspace, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM delivery WHERE workspace = ? AND " + DEAD
                + " ORDER BY updated_at DESC, id DESC LIMIT ?");
        ps.setString(1, workspace);
        ps.setInt(2, limit);
        List<DeliveryRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(Deliveries.row(rs));
            }
        }
        return out;
    }

    /**
     * Queues one of a workspace's dead letters again (see the class comment).
     *
     * @param maxAge the fresh age limit, from now
     * @return the delivery as it was before, or empty when the workspace has no dead letter with this id
     */
    public Optional<DeliveryRow> replay(String workspace, UUID id, Instant now, Duration maxAge) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM delivery WHERE id = ? AND workspace = ? AND "
                + DEAD);
        ps.setString(1, id.toString());
        ps.setString(2, workspace);
        DeliveryRow d;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            d = Deliveries.row(rs);
        }
        PreparedStatement update = sql.prepare(REPLAY);
        bindReplay(update, d, now, maxAge);
        if (update.executeUpdate() != 1) {
            return Optional.empty();
        }
        usage.count(d.workspace(), d.channel(), now, UsageOutcome.REPLAYED, 1);
        return Optional.of(d);
    }

    /**
     * Queues up to {@code limit} of a workspace's dead letters matching {@code filter} again, the oldest after
     * {@code after} first, in one batch of updates.
     *
     * @param skip deliveries not to replay again (already replayed by this request, and dead again since)
     * @return how many, the last one looked at (the next chunk's start) and whether more match
     */
    public Replayed replayMatching(String workspace, DeadLetterFilter filter, Optional<Cursor> after, int limit,
                                   Set<UUID> skip, Instant now, Duration maxAge) throws SQLException {
        List<DeliveryRow> found = page(workspace, filter, after, limit + 1);
        boolean more = found.size() > limit;
        List<DeliveryRow> chunk = more ? found.subList(0, limit) : found;
        PreparedStatement update = sql.prepare(REPLAY);
        update.clearBatch(); // a batch a failed run left behind is not this one's
        List<DeliveryRow> batched = new ArrayList<>(chunk.size());
        for (DeliveryRow d : chunk) {
            if (skip.contains(d.id())) {
                continue;
            }
            bindReplay(update, d, now, maxAge);
            update.addBatch();
            batched.add(d);
        }
        int count = 0;
        if (!batched.isEmpty()) {
            int[] updated = update.executeBatch();
            for (int i = 0; i < updated.length; i++) {
                if (updated[i] == 1 || updated[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                    DeliveryRow d = batched.get(i);
                    usage.count(d.workspace(), d.channel(), now, UsageOutcome.REPLAYED, 1);
                    skip.add(d.id());
                    count++;
                }
            }
        }
        return new Replayed(count, chunk.isEmpty() ? Optional.empty() : Optional.of(Cursor.after(chunk.getLast())),
                more);
    }

    private static void bindReplay(PreparedStatement ps, DeliveryRow d, Instant now, Duration maxAge)
            throws SQLException {
        long fresh = Rows.millis(now.plus(maxAge));
        ps.setLong(1, Rows.millis(now));
        ps.setLong(2, fresh);
        ps.setLong(3, fresh);
        ps.setLong(4, Rows.millis(now));
        ps.setString(5, d.id().toString());
    }
}
