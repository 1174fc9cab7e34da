package dev.herald.gateway.store;

import dev.herald.channel.Channel;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.Lane;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The {@code delivery} table: one row per message per address, with its state and retry schedule. */
public final class Deliveries {
    private static final String COLUMNS = "id, dispatch_id, workspace, channel, recipient, address, egress_key, lane, "
            + "status, attempts, next_attempt_at, expires_at, last_error, provider_message_id, detail, created_at, "
            + "updated_at, user_id, app_id";
    /** The columns {@link #row} reads, each prefixed {@code d.}: for engines' claim queries joining the table. */
    public static final String D_COLUMNS = "d." + COLUMNS.replace(", ", ", d.");

    private final Sql sql;
    private final Usage usage;

    Deliveries(Sql sql, Usage usage) {
        this.sql = sql;
        this.usage = usage;
    }

    /**
     * Inserts a delivery unless the same (dispatch, recipient, channel, address) exists, which makes
     * expansion idempotent.
     *
     * @return whether a row was inserted
     */
    public boolean insert(NewDelivery d, Instant now) throws SQLException {
        boolean inserted = bind(sql.prepare(INSERT), d, now).executeUpdate() == 1;
        if (inserted) {
            countCreated(d, now);
        }
        return inserted;
    }

    /**
     * Inserts a delivery as {@link #insert} does, but may wait for the engine's next flush (see {@link Sql}): for a
     * caller that does not need to know whether the row was new.
     */
    public void insertLater(NewDelivery d, Instant now) throws SQLException {
        sql.executeLater(bind(sql.prepareUnrelated(INSERT), d, now));
        // Counted as inserted: a conflict means the same expansion ran again in this transaction, which only a
        // recipient listed twice under the same identifier does, and request parsing already folds those.
        countCreated(d, now);
    }

    /** A created delivery is {@code accepted}; one created ended (nowhere to send it) counts its end too. */
    private void countCreated(NewDelivery d, Instant now) {
        usage.count(d.workspace(), d.channel(), now, UsageOutcome.ACCEPTED, 1);
        usage.countMove(d.workspace(), d.channel(), DeliveryStatus.QUEUED, d.status(), now);
    }

    private static final String INSERT = "INSERT INTO delivery (id, dispatch_id, workspace, channel, recipient, "
            + "address, egress_key, lane, status, attempts, next_attempt_at, expires_at, last_error, created_at, "
            + "updated_at, user_id, app_id) VALUES (?,?,?,?,?,?,?,?,?,0,?,?,?,?,?,?,?) "
            + "ON CONFLICT (dispatch_id, recipient, channel, address) DO NOTHING";

    private static PreparedStatement bind(PreparedStatement ps, NewDelivery d, Instant now) throws SQLException {
        ps.setString(1, d.id().toString());
        ps.setString(2, d.dispatchId());
        ps.setString(3, d.workspace());
        ps.setString(4, d.channel().wireName());
        ps.setString(5, d.recipient());
        ps.setString(6, d.address());
        ps.setString(7, d.egressKey());
        ps.setString(8, d.lane().dbName());
        ps.setString(9, d.status().dbName());
        ps.setLong(10, Rows.millis(d.nextAttemptAt()));
        ps.setLong(11, Rows.millis(d.expiresAt()));
        Rows.setOptional(ps, 12, d.lastError());
        ps.setLong(13, Rows.millis(now));
        ps.setLong(14, Rows.millis(now));
        if (d.userId().isPresent()) {
            ps.setLong(15, d.userId().get());
        } else {
            ps.setNull(15, java.sql.Types.BIGINT);
        }
        Rows.setOptional(ps, 16, d.appId());
        return ps;
    }

    /**
     * The statement that writes an attempt's outcome, conditional on the delivery still waiting on that attempt;
     * an engine adds its own claim columns to the {@code SET} ({@code set}, after a comma) and the {@code WHERE}
     * ({@code where}, after an AND). Its first eight parameters are bound by {@link #bindOutcome}.
     */
    public static String outcomeUpdate(String set, String where) {
        return "UPDATE delivery SET " + outcomeAssignments("?", "?", "?", "?", "?", "?")
                + (set.isEmpty() ? "" : ", " + set)
                + " WHERE " + outcomeCondition("?", "?") + (where.isEmpty() ? "" : " AND " + where);
    }

    /**
     * The {@code SET} list of an outcome, from the expressions of its values in {@link #bindOutcome}'s order: the
     * status, the next attempt, error, provider message id and detail (each kept as it is when null), and the time.
     * Shared by the one-row statement and statements that write several outcomes from a list of values, so both
     * write the same columns the same way.
     */
    public static String outcomeAssignments(String status, String nextAttemptAt, String lastError,
                                            String providerMessageId, String detail, String now) {
        return "status = " + status + ", attempts = delivery.attempts + 1, "
                + "next_attempt_at = COALESCE(" + nextAttemptAt + ", delivery.next_attempt_at), "
                + "last_error = COALESCE(" + lastError + ", delivery.last_error), "
                + "provider_message_id = COALESCE(" + providerMessageId + ", delivery.provider_message_id), "
                + "detail = COALESCE(" + detail + ", delivery.detail), updated_at = " + now;
    }

    /**
     * The condition an outcome is written under, from the expressions of the delivery's id and of the attempts it
     * had before this one: the delivery is still waiting on that attempt.
     */
    public static String outcomeCondition(String id, String priorAttempts) {
        return "delivery.id = " + id + " AND delivery.status = 'queued' AND delivery.attempts = " + priorAttempts;
    }

    /**
     * Binds parameters 1 to 8 of {@link #outcomeUpdate}: the new state, {@code nextAttemptAt} (kept as it is when
     * absent), the time, and the attempt the claim was for.
     */
    public static void bindOutcome(PreparedStatement ps, DeliveryUpdate u, Optional<Instant> nextAttemptAt,
                                   Instant now, ClaimToken token) throws SQLException {
        bindOutcome(ps, 0, u, nextAttemptAt, now, token);
    }

    /**
     * Binds the same eight values as {@link #bindOutcome(PreparedStatement, DeliveryUpdate, Optional, Instant,
     * ClaimToken)}, in the same order, to parameters {@code offset + 1} to {@code offset + 8}: one row of a
     * statement that writes several outcomes.
     */
    public static void bindOutcome(PreparedStatement ps, int offset, DeliveryUpdate u, Optional<Instant> nextAttemptAt,
                                   Instant now, ClaimToken token) throws SQLException {
        ps.setString(offset + 1, u.status().dbName());
        if (nextAttemptAt.isPresent()) {
            ps.setLong(offset + 2, Rows.millis(nextAttemptAt.get()));
        } else {
            ps.setNull(offset + 2, java.sql.Types.BIGINT);
        }
        Rows.setOptional(ps, offset + 3, u.lastError());
        Rows.setOptional(ps, offset + 4, u.providerMessageId());
        Rows.setOptional(ps, offset + 5, u.detail());
        ps.setLong(offset + 6, Rows.millis(now));
        ps.setString(offset + 7, u.id().toString());
        ps.setInt(offset + 8, token.attempt() - 1); // the attempts counted before this one
    }

    /** Every delivery of a dispatch, in creation order. */
    public List<DeliveryRow> forDispatch(String dispatchId) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM delivery WHERE dispatch_id = ? "
                + "ORDER BY created_at, id");
        ps.setString(1, dispatchId);
        return rows(ps);
    }

    /** Up to {@code limit} deliveries of a dispatch with ids after {@code after}, in id (creation) order. */
    public List<DeliveryRow> page(String dispatchId, Optional<String> after, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM delivery WHERE dispatch_id = ? AND id > ? "
                + "ORDER BY id LIMIT ?");
        ps.setString(1, dispatchId);
        ps.setString(2, after.orElse(""));
        ps.setInt(3, limit);
        return rows(ps);
    }

    /** How many deliveries of a dispatch are in each state. */
    public java.util.Map<DeliveryStatus, Long> counts(String dispatchId) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT status, COUNT(*) FROM delivery WHERE dispatch_id = ? GROUP BY status");
        ps.setString(1, dispatchId);
        java.util.Map<DeliveryStatus, Long> out = new java.util.EnumMap<>(DeliveryStatus.class);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(DeliveryStatus.fromDb(rs.getString(1)), rs.getLong(2));
            }
        }
        return out;
    }

    /**
     * A workspace's {@code limit} newest deliveries whose {@code recipient} (an id such as {@code external_id:u1}) or
     * {@code address} (an email address, phone number, push token or webhook URL) is {@code value}, newest first.
     */
    public List<DeliveryRow> latestFor(String workspace, LookupColumn column, String value, int limit)
            throws SQLException {
        return rows(sql.dialect().latestDeliveries(sql, column, workspace, value, limit));
    }

    /**
     * {@link #latestFor}'s query for an engine that indexes both lookup columns in the journal itself: one seek of
     * the column's index ({@code (workspace, column, created_at)}), newest first.
     */
    public static PreparedStatement latestByIndex(Sql sql, LookupColumn column, String workspace, String value,
                                                  int limit) throws SQLException {
        PreparedStatement ps = sql.prepare(column.latest);
        ps.setString(1, workspace);
        ps.setString(2, value);
        ps.setInt(3, limit);
        return ps;
    }

    /**
     * Up to {@code limit} of a workspace's deliveries that left {@code queued} (sent or ended) with their last change in
     * [{@code from}, {@code until}), after the cursor ({@code afterUpdated}, {@code afterId}) in (updated_at, id)
     * order: one page of an export, read along the finished-deliveries index.
     */
    public List<DeliveryRow> finishedPage(String workspace, Instant from, Instant until, Instant afterUpdated,
                                          String afterId, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM delivery WHERE status NOT IN ('queued', "
                + "'sending') AND updated_at >= ? AND updated_at < ? AND workspace = ? "
                + "AND (updated_at > ? OR (updated_at = ? AND id > ?)) ORDER BY updated_at, id LIMIT ?");
        ps.setLong(1, Rows.millis(from));
        ps.setLong(2, Rows.millis(until));
        ps.setString(3, workspace);
        ps.setLong(4, Rows.millis(afterUpdated));
        ps.setLong(5, Rows.millis(afterUpdated));
        ps.setString(6, afterId);
        ps.setInt(7, limit);
        return rows(ps);
    }

    /** The deliveries {@code ps} reads, in its order. */
    private static List<DeliveryRow> rows(PreparedStatement ps) throws SQLException {
        List<DeliveryRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** The columns a delivery can be looked up by (see {@link Dialect#latestDeliveries} for how each engine does). */
    public enum LookupColumn {
        RECIPIENT("recipient"), ADDRESS("address");

        private final String columnName;
        /** {@link #latestByIndex}'s query on this column. */
        final String latest;

        LookupColumn(String columnName) {
            this.columnName = columnName;
            this.latest = "SELECT " + COLUMNS + " FROM delivery WHERE workspace = ? AND " + columnName
                    + " = ? ORDER BY created_at DESC LIMIT ?";
        }

        /** The {@code delivery} table's column. */
        public String columnName() {
            return columnName;
        }
    }

    /**
     * How many of a workspace's deliveries wait in a lane, counted up to {@code cap} (a huge backlog is "more than
     * cap" to an operator, and counting it all would hold a read connection). Reads the due index only.
     */
    public long queuedCount(String workspace, Lane lane, long cap) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT COUNT(*) FROM (SELECT 1 FROM delivery WHERE status = 'queued' "
                + "AND lane = ? AND workspace = ? LIMIT ?) q");
        ps.setString(1, lane.dbName());
        ps.setString(2, workspace);
        ps.setLong(3, cap);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * The workspaces with queued deliveries in a lane, in order: a skip-scan, one index seek each
     * ({@code ORDER BY ... LIMIT 1} past the last one found). Not one recursive query: SQLite runs the scalar
     * subqueries of a recursive CTE without its min/max seek, reading every queued row of the lane (over half a
     * millisecond with 200,000 queued, against 20 µs a seek), on the single writer, every claim.
     */
    public List<String> queuedWorkspaces(Lane lane) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT workspace FROM delivery WHERE status = 'queued' AND lane = ? "
                + "AND workspace > ? ORDER BY workspace LIMIT 1");
        ps.setString(1, lane.dbName());
        return skipScan(ps, 2);
    }

    /** The egress keys with queued deliveries of one workspace in a lane, in order: a skip-scan, one seek each. */
    public List<String> queuedEgressKeys(Lane lane, String workspace) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT egress_key FROM delivery WHERE status = 'queued' AND lane = ? "
                + "AND workspace = ? AND egress_key > ? ORDER BY egress_key LIMIT 1");
        ps.setString(1, lane.dbName());
        ps.setString(2, workspace);
        return skipScan(ps, 3);
    }

    /**
     * The distinct values a one-row seek ({@code ... > ? ORDER BY ... LIMIT 1}, its other parameters bound) finds,
     * in order: the seek again past the last one found, parameter {@code afterIndex}, until it finds none.
     */
    private static List<String> skipScan(PreparedStatement ps, int afterIndex) throws SQLException {
        List<String> out = new ArrayList<>();
        String after = "";
        while (true) {
            ps.setString(afterIndex, after);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return out;
                }
                after = rs.getString(1);
            }
            out.add(after);
        }
    }

    /**
     * Parks every queued delivery of an egress key until {@code until}, in one update: not an attempt (the
     * attempt count and last error stay as they are), only a later {@code next_attempt_at}.
     *
     * @return how many deliveries were parked
     */
    public int park(String egressKey, Instant until, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE delivery SET next_attempt_at = ?, updated_at = ? "
                + "WHERE status = 'queued' AND egress_key = ? AND next_attempt_at < ?");
        ps.setLong(1, Rows.millis(until));
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, egressKey);
        ps.setLong(4, Rows.millis(until));
        return ps.executeUpdate();
    }

    /** Ends a due delivery that is past its age limit ({@code expired}), naming its last error; returns the error. */
    public String expire(DeliveryRow row, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE delivery SET status = 'expired', last_error = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'queued'");
        String reason = "expired: not sent before its age limit (" + row.expiresAt() + ")"
                + row.lastError().map(e -> "; last error: " + e).orElse("");
        ps.setString(1, reason);
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, row.id().toString());
        if (ps.executeUpdate() == 1) {
            usage.count(row.workspace(), row.channel(), now, UsageOutcome.EXPIRED, 1);
        }
        return reason;
    }

    /**
     * Makes every delivery a stopped process left {@code sending} due again (a journal from a Herald that wrote its
     * claims); run once at start.
     */
    public int requeueInterrupted(Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE delivery SET status = 'queued', next_attempt_at = ?, "
                + "updated_at = ? WHERE status = 'sending'");
        ps.setLong(1, Rows.millis(now));
        ps.setLong(2, Rows.millis(now));
        return ps.executeUpdate();
    }

    /** The earliest {@code next_attempt_at} among queued deliveries, for the scheduler's sleep. */
    public Optional<Instant> nextDue() throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT MIN(next_attempt_at) FROM delivery WHERE status = 'queued'");
        try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                long v = rs.getLong(1);
                return rs.wasNull() ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(v));
            }
            return java.util.Optional.empty();
        }
    }

    /**
     * Deletes up to {@code limit} finished deliveries last updated before {@code before}.
     *
     * @return how many were deleted
     */
    public int purgeFinished(Instant before, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("DELETE FROM delivery WHERE id IN (SELECT id FROM delivery "
                + "WHERE status NOT IN ('queued', 'sending') AND updated_at < ? LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    /**
     * Ends a deleted user's pending deliveries ({@code aborted}) and scrubs the address of all of them, so no
     * personal data of the user stays in the journal.
     *
     * @return how many deliveries were touched
     */
    public int forgetUser(long userId, Instant now) throws SQLException {
        PreparedStatement pending = sql.prepare("SELECT workspace, channel, COUNT(*) FROM delivery WHERE user_id = ? "
                + "AND status = 'queued' GROUP BY workspace, channel");
        pending.setLong(1, userId);
        try (ResultSet rs = pending.executeQuery()) {
            while (rs.next()) {
                usage.count(rs.getString(1), Channel.fromWireName(rs.getString(2)), now, UsageOutcome.ABORTED,
                        rs.getLong(3));
            }
        }
        PreparedStatement abort = sql.prepare("UPDATE delivery SET status = 'aborted', last_error = 'user deleted', "
                + "updated_at = ? WHERE user_id = ? AND status = 'queued'");
        abort.setLong(1, Rows.millis(now));
        abort.setLong(2, userId);
        abort.executeUpdate();
        // Nothing that names the person stays: not the address, the recipient id, the rendered message, nor an
        // error that may quote the address (a relay's "550 <ana@example.com>: no such user").
        sql.dialect().beforeScrub(sql, userId);
        PreparedStatement scrub = sql.prepare("UPDATE delivery SET address = 'deleted:' || id, "
                + "recipient = 'deleted:' || id, detail = NULL, user_id = NULL, last_error = CASE "
                + "WHEN last_error IS NULL OR last_error = 'user deleted' THEN last_error "
                + "ELSE 'redacted: user deleted' END WHERE user_id = ?");
        scrub.setLong(1, userId);
        return scrub.executeUpdate();
    }

    /**
     * Points the deliveries of a merged user at the user it was merged into ({@code /users/merge}): pending ones are
     * then rendered against the kept profile and their directory effects (a bounce, an opt-out) land on it, and a
     * later {@code /users/delete} of the kept user scrubs them too. Their addresses stay as resolved when they were
     * accepted.
     *
     * @return how many deliveries now point at {@code to}
     */
    public int followUser(long from, long to) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE delivery SET user_id = ? WHERE user_id = ?");
        ps.setLong(1, to);
        ps.setLong(2, from);
        return ps.executeUpdate();
    }

    /** {@link #smsByProviderMessageId}'s query (public for the engines' plan checks). */
    public static final String SMS_BY_PROVIDER_ID = "SELECT " + COLUMNS + " FROM delivery WHERE provider_message_id = ? "
            + "AND channel = 'sms' AND workspace = ?";

    /**
     * The SMS delivery Twilio knows by this Message SID, within a workspace. Only SMS deliveries' provider ids are
     * indexed (the partial index's {@code channel = 'sms'} is repeated here so the planner can use it).
     */
    public Optional<DeliveryRow> smsByProviderMessageId(String workspace, String providerMessageId)
            throws SQLException {
        PreparedStatement ps = sql.prepare(SMS_BY_PROVIDER_ID);
        ps.setString(1, providerMessageId);
        ps.setString(2, workspace);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? java.util.Optional.of(row(rs)) : java.util.Optional.empty();
        }
    }

    /**
     * Moves a delivery the provider has already accepted to a later state reported afterwards (a delivery
     * receipt). Only forward moves are written: a late or repeated report changes nothing.
     *
     * @return whether the delivery changed
     */
    public boolean advance(DeliveryRow d, DeliveryStatus next, Optional<String> error, Instant now)
            throws SQLException {
        if (!d.status().canMoveTo(next) || d.status() == next) {
            return false;
        }
        PreparedStatement ps = sql.prepare("UPDATE delivery SET status = ?, last_error = COALESCE(?, last_error), "
                + "updated_at = ? WHERE id = ? AND status = ?");
        ps.setString(1, next.dbName());
        Rows.setOptional(ps, 2, error);
        ps.setLong(3, Rows.millis(now));
        ps.setString(4, d.id().toString());
        ps.setString(5, d.status().dbName());
        if (ps.executeUpdate() != 1) {
            return false;
        }
        usage.countMove(d.workspace(), d.channel(), d.status(), next, now);
        return true;
    }

    /** Deliveries of one tracked send on one UTC day, by channel and state. */
    public record SendCount(java.time.LocalDate day, Channel channel, DeliveryStatus status, long deliveries) {
    }

    /**
     * Counts the deliveries of the dispatches tagged {@code campaignId} + {@code sendId}, by the UTC day they
     * were created, channel and state, for days in [{@code from}, {@code until}).
     */
    public List<SendCount> sendCounts(String workspace, String campaignId, String sendId, Instant from, Instant until)
            throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + sql.dialect().utcDay("d.created_at") + " AS day, d.channel, d.status, "
                + "COUNT(*) AS n FROM dispatch p JOIN delivery d ON d.dispatch_id = p.id WHERE p.workspace = ? "
                + "AND p.campaign_id = ? AND p.send_id = ? AND d.created_at >= ? AND d.created_at < ? "
                + "GROUP BY day, d.channel, d.status");
        ps.setString(1, workspace);
        ps.setString(2, campaignId);
        ps.setString(3, sendId);
        ps.setLong(4, Rows.millis(from));
        ps.setLong(5, Rows.millis(until));
        List<SendCount> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new SendCount(java.time.LocalDate.parse(rs.getString("day")),
                        Channel.fromWireName(rs.getString("channel")), DeliveryStatus.fromDb(rs.getString("status")),
                        rs.getLong("n")));
            }
        }
        return out;
    }

    /** Distinct recipients of one tracked send per UTC day, for days in [{@code from}, {@code until}). */
    public java.util.Map<java.time.LocalDate, Long> sendRecipients(String workspace, String campaignId, String sendId,
                                                                   Instant from, Instant until) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + sql.dialect().utcDay("d.created_at") + " AS day, "
                + "COUNT(DISTINCT d.recipient) AS n FROM dispatch p JOIN delivery d ON d.dispatch_id = p.id "
                + "WHERE p.workspace = ? AND p.campaign_id = ? AND p.send_id = ? AND d.created_at >= ? "
                + "AND d.created_at < ? GROUP BY day");
        ps.setString(1, workspace);
        ps.setString(2, campaignId);
        ps.setString(3, sendId);
        ps.setLong(4, Rows.millis(from));
        ps.setLong(5, Rows.millis(until));
        java.util.Map<java.time.LocalDate, Long> out = new java.util.TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(java.time.LocalDate.parse(rs.getString("day")), rs.getLong("n"));
            }
        }
        return out;
    }

    private static Optional<Long> userId(ResultSet rs) throws SQLException {
        long v = rs.getLong("user_id");
        return rs.wasNull() ? java.util.Optional.empty() : java.util.Optional.of(v);
    }

    /** A delivery from a result set holding every column of the table. */
    public static DeliveryRow row(ResultSet rs) throws SQLException {
        return new DeliveryRow(UUID.fromString(rs.getString("id")), rs.getString("dispatch_id"),
                rs.getString("workspace"), Channel.fromWireName(rs.getString("channel")), rs.getString("recipient"),
                rs.getString("address"), rs.getString("egress_key"), Lane.fromDb(rs.getString("lane")),
                DeliveryStatus.fromDb(rs.getString("status")), rs.getInt("attempts"),
                Rows.instant(rs, "next_attempt_at"), Rows.instant(rs, "expires_at"), Rows.optional(rs, "last_error"),
                Rows.optional(rs, "provider_message_id"), Rows.optional(rs, "detail"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "updated_at"), userId(rs), Rows.optional(rs, "app_id"));
    }
}
