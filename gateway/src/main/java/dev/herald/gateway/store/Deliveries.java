package dev.herald.gateway.store;

import dev.herald.channel.Channel;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.StoredSpec;

/** The {@code delivery} table: one row per message per address, with its state and retry schedule. */
public final class Deliveries {
    private static final String COLUMNS = "id, dispatch_id, workspace, channel, recipient, address, egress_key, lane, "
            + "status, attempts, next_attempt_at, expires_at, last_error, provider_message_id, detail, created_at, "
            + "updated_at, user_id, app_id";
    private static final String D_COLUMNS = "d." + COLUMNS.replace(", ", ", d.");

    private final StoreTx tx;

    Deliveries(StoreTx tx) {
        this.tx = tx;
    }

    /**
     * Inserts a delivery unless the same (dispatch, recipient, channel, address) exists, which makes
     * expansion idempotent.
     *
     * @return whether a row was inserted
     */
    public boolean insert(NewDelivery d, Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO delivery (id, dispatch_id, workspace, channel, recipient, "
                + "address, egress_key, lane, status, attempts, next_attempt_at, expires_at, last_error, created_at, "
                + "updated_at, user_id, app_id) VALUES (?,?,?,?,?,?,?,?,?,0,?,?,?,?,?,?,?) "
                + "ON CONFLICT (dispatch_id, recipient, channel, address) DO NOTHING");
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
        return ps.executeUpdate() == 1;
    }

    /** Every delivery of a dispatch, in creation order. */
    public List<DeliveryRow> forDispatch(String dispatchId) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM delivery WHERE dispatch_id = ? "
                + "ORDER BY created_at, id");
        ps.setString(1, dispatchId);
        List<DeliveryRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** Up to {@code limit} deliveries of a dispatch with ids after {@code after}, in id (creation) order. */
    public List<DeliveryRow> page(String dispatchId, java.util.Optional<String> after, int limit) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM delivery WHERE dispatch_id = ? AND id > ? "
                + "ORDER BY id LIMIT ?");
        ps.setString(1, dispatchId);
        ps.setString(2, after.orElse(""));
        ps.setInt(3, limit);
        List<DeliveryRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** How many deliveries of a dispatch are in each state. */
    public java.util.Map<DeliveryStatus, Long> counts(String dispatchId) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT status, COUNT(*) FROM delivery WHERE dispatch_id = ? GROUP BY status");
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
     * Claims up to {@code limit} due deliveries of one lane that this process is not already sending. A claim
     * is held in memory (the writer's TEMP table), not written to the journal: the row stays {@code queued}
     * until {@link #recordAttempt} writes its outcome. Due deliveries already past their age limit become
     * {@code expired} instead. Only the writer connection may claim.
     */
    public List<ClaimedDelivery> claimDue(Lane lane, Instant now, int limit) throws SQLException {
        PreparedStatement select = tx.prepare("SELECT " + D_COLUMNS + ", p.kind AS p_kind, p.spec_version AS p_spec_version, p.spec AS p_spec "
                + "FROM delivery d JOIN dispatch p ON p.id = d.dispatch_id "
                + "WHERE d.status = 'queued' AND d.lane = ? AND d.next_attempt_at <= ? "
                + "AND d.id NOT IN (SELECT id FROM temp.claimed) ORDER BY d.next_attempt_at LIMIT ?");
        select.setString(1, lane.dbName());
        select.setLong(2, Rows.millis(now));
        select.setInt(3, limit);
        return claimSelected(select, now, row -> true);
    }

    /**
     * Claims, as {@link #claimDue(Lane, Instant, int)} does, up to {@code limit} due deliveries of one lane, one
     * workspace and one egress key, oldest due first, each only if {@code admit} accepts it (a refused row is left
     * untouched: no attempt, no state change). An index seek, however long other keys' backlogs are.
     */
    public List<ClaimedDelivery> claimDue(Lane lane, String workspace, String egressKey, Instant now, int limit,
                                          java.util.function.Predicate<DeliveryRow> admit) throws SQLException {
        PreparedStatement select = tx.prepare("SELECT " + D_COLUMNS + ", p.kind AS p_kind, p.spec_version AS p_spec_version, p.spec AS p_spec "
                + "FROM delivery d JOIN dispatch p ON p.id = d.dispatch_id "
                + "WHERE d.status = 'queued' AND d.lane = ? AND d.workspace = ? AND d.egress_key = ? "
                + "AND d.next_attempt_at <= ? AND d.id NOT IN (SELECT id FROM temp.claimed) "
                + "ORDER BY d.next_attempt_at LIMIT ?");
        select.setString(1, lane.dbName());
        select.setString(2, workspace);
        select.setString(3, egressKey);
        select.setLong(4, Rows.millis(now));
        select.setInt(5, limit);
        return claimSelected(select, now, admit);
    }

    private List<ClaimedDelivery> claimSelected(PreparedStatement select, Instant now,
                                                java.util.function.Predicate<DeliveryRow> admit) throws SQLException {
        List<ClaimedDelivery> claimed = new ArrayList<>();
        List<DeliveryRow> expired = new ArrayList<>();
        // A dispatch's deliveries come in runs: its spec is read once per claim, not once per row.
        Map<String, StoredSpec> specs = new HashMap<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                DeliveryRow row = row(rs);
                if (!row.expiresAt().isAfter(now)) {
                    expired.add(row);
                } else if (admit.test(row)) {
                    StoredSpec spec = specs.get(row.dispatchId());
                    if (spec == null) {
                        spec = new StoredSpec(rs.getInt("p_spec_version"), rs.getString("p_spec"));
                        specs.put(row.dispatchId(), spec);
                    }
                    claimed.add(new ClaimedDelivery(withAttempt(row, now),
                            DispatchKind.fromDb(rs.getString("p_kind")).orElseThrow(), spec));
                }
            }
        }
        PreparedStatement claim = tx.prepare("INSERT INTO temp.claimed (id) VALUES (?)");
        for (ClaimedDelivery c : claimed) {
            claim.setString(1, c.delivery().id().toString());
            claim.executeUpdate();
        }
        for (DeliveryRow row : expired) {
            expire(row, now);
        }
        return claimed;
    }

    /**
     * The workspaces with queued deliveries in a lane, in id order: a skip-scan of the due index, one seek per
     * workspace however long its backlog is.
     */
    public List<String> queuedWorkspaces(Lane lane) throws SQLException {
        PreparedStatement ps = tx.prepare("WITH RECURSIVE ws(w) AS ("
                + "SELECT (SELECT MIN(workspace) FROM delivery WHERE status = 'queued' AND lane = ?1) "
                + "UNION ALL SELECT (SELECT MIN(workspace) FROM delivery WHERE status = 'queued' AND lane = ?1 "
                + "AND workspace > ws.w) FROM ws WHERE ws.w IS NOT NULL) SELECT w FROM ws WHERE w IS NOT NULL");
        ps.setString(1, lane.dbName());
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The egress keys with queued deliveries of one workspace in a lane, in order: a skip-scan, one seek each. */
    public List<String> queuedEgressKeys(Lane lane, String workspace) throws SQLException {
        PreparedStatement ps = tx.prepare("WITH RECURSIVE k(e) AS ("
                + "SELECT (SELECT MIN(egress_key) FROM delivery WHERE status = 'queued' AND lane = ?1 "
                + "AND workspace = ?2) UNION ALL SELECT (SELECT MIN(egress_key) FROM delivery WHERE status = 'queued' "
                + "AND lane = ?1 AND workspace = ?2 AND egress_key > k.e) FROM k WHERE k.e IS NOT NULL) "
                + "SELECT e FROM k WHERE e IS NOT NULL");
        ps.setString(1, lane.dbName());
        ps.setString(2, workspace);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * Parks every queued delivery of an egress key until {@code until}, in one update: not an attempt (the
     * attempt count and last error stay as they are), only a later {@code next_attempt_at}.
     *
     * @return how many deliveries were parked
     */
    public int park(String egressKey, Instant until, Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("UPDATE delivery SET next_attempt_at = ?, updated_at = ? "
                + "WHERE status = 'queued' AND egress_key = ? AND next_attempt_at < ?");
        ps.setLong(1, Rows.millis(until));
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, egressKey);
        ps.setLong(4, Rows.millis(until));
        return ps.executeUpdate();
    }

    private void expire(DeliveryRow row, Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("UPDATE delivery SET status = 'expired', last_error = ?, updated_at = ? "
                + "WHERE id = ? AND status = 'queued'");
        String reason = "expired: not sent before its age limit (" + row.expiresAt() + ")"
                + row.lastError().map(e -> "; last error: " + e).orElse("");
        ps.setString(1, reason);
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, row.id().toString());
        ps.executeUpdate();
    }

    /**
     * Records a claimed attempt's result, counts the attempt and releases the claim. Written only if the
     * delivery is still {@code queued}, so a late or duplicate result never moves it backwards.
     *
     * @return false when the delivery had already moved on (the result is dropped)
     */
    public boolean recordAttempt(DeliveryUpdate u, Instant now) throws SQLException {
        PreparedStatement release = tx.prepare("DELETE FROM temp.claimed WHERE id = ?");
        release.setString(1, u.id().toString());
        release.executeUpdate();
        PreparedStatement ps = tx.prepare("UPDATE delivery SET status = ?, attempts = attempts + 1, "
                + "next_attempt_at = COALESCE(?, next_attempt_at), last_error = COALESCE(?, last_error), "
                + "provider_message_id = COALESCE(?, provider_message_id), detail = COALESCE(?, detail), "
                + "updated_at = ? WHERE id = ? AND status = 'queued'");
        ps.setString(1, u.status().dbName());
        if (u.nextAttemptAt().isPresent()) {
            ps.setLong(2, Rows.millis(u.nextAttemptAt().get()));
        } else {
            ps.setNull(2, java.sql.Types.BIGINT);
        }
        Rows.setOptional(ps, 3, u.lastError());
        Rows.setOptional(ps, 4, u.providerMessageId());
        Rows.setOptional(ps, 5, u.detail());
        ps.setLong(6, Rows.millis(now));
        ps.setString(7, u.id().toString());
        return ps.executeUpdate() == 1;
    }

    /**
     * Makes every delivery a stopped process left {@code sending} due again. Claims are not written to the
     * journal, so only a journal from an older Herald can hold such rows; run once at start.
     */
    public int requeueInterrupted(Instant now) throws SQLException {
        PreparedStatement ps = tx.prepare("UPDATE delivery SET status = 'queued', next_attempt_at = ?, "
                + "updated_at = ? WHERE status = 'sending'");
        ps.setLong(1, Rows.millis(now));
        ps.setLong(2, Rows.millis(now));
        return ps.executeUpdate();
    }

    /** The earliest {@code next_attempt_at} among queued deliveries, for the scheduler's sleep. */
    public java.util.Optional<Instant> nextDue() throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT MIN(next_attempt_at) FROM delivery WHERE status = 'queued'");
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
        PreparedStatement ps = tx.prepare("DELETE FROM delivery WHERE id IN (SELECT id FROM delivery "
                + "WHERE status NOT IN ('queued', 'sending') AND updated_at < ? LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    private static DeliveryRow withAttempt(DeliveryRow r, Instant now) {
        return new DeliveryRow(r.id(), r.dispatchId(), r.workspace(), r.channel(), r.recipient(), r.address(),
                r.egressKey(), r.lane(), DeliveryStatus.SENDING, r.attempts() + 1, r.nextAttemptAt(), r.expiresAt(),
                r.lastError(), r.providerMessageId(), r.detail(), r.createdAt(), now, r.userId(), r.appId());
    }

    /**
     * Ends a deleted user's pending deliveries ({@code aborted}) and scrubs the address of all of them, so no
     * personal data of the user stays in the journal.
     *
     * @return how many deliveries were touched
     */
    public int forgetUser(long userId, Instant now) throws SQLException {
        PreparedStatement abort = tx.prepare("UPDATE delivery SET status = 'aborted', last_error = 'user deleted', "
                + "updated_at = ? WHERE user_id = ? AND status = 'queued'");
        abort.setLong(1, Rows.millis(now));
        abort.setLong(2, userId);
        abort.executeUpdate();
        // Nothing that names the person stays: not the address, the recipient id, the rendered message, nor an
        // error that may quote the address (a relay's "550 <ana@example.com>: no such user").
        PreparedStatement scrub = tx.prepare("UPDATE delivery SET address = 'deleted:' || id, "
                + "recipient = 'deleted:' || id, detail = NULL, user_id = NULL, last_error = CASE "
                + "WHEN last_error IS NULL OR last_error = 'user deleted' THEN last_error "
                + "ELSE 'redacted: user deleted' END WHERE user_id = ?");
        scrub.setLong(1, userId);
        return scrub.executeUpdate();
    }

    /** The delivery a provider knows by this id (Twilio's Message SID), within a workspace. */
    public java.util.Optional<DeliveryRow> byProviderMessageId(String workspace, String providerMessageId)
            throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT " + COLUMNS + " FROM delivery WHERE provider_message_id = ? "
                + "AND workspace = ?");
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
    public boolean advance(DeliveryRow d, DeliveryStatus next, java.util.Optional<String> error, Instant now)
            throws SQLException {
        if (!d.status().canMoveTo(next) || d.status() == next) {
            return false;
        }
        PreparedStatement ps = tx.prepare("UPDATE delivery SET status = ?, last_error = COALESCE(?, last_error), "
                + "updated_at = ? WHERE id = ? AND status = ?");
        ps.setString(1, next.dbName());
        Rows.setOptional(ps, 2, error);
        ps.setLong(3, Rows.millis(now));
        ps.setString(4, d.id().toString());
        ps.setString(5, d.status().dbName());
        return ps.executeUpdate() == 1;
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
        PreparedStatement ps = tx.prepare("SELECT date(d.created_at / 1000, 'unixepoch') AS day, d.channel, d.status, "
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
        PreparedStatement ps = tx.prepare("SELECT date(d.created_at / 1000, 'unixepoch') AS day, "
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

    private static java.util.Optional<Long> userId(ResultSet rs) throws SQLException {
        long v = rs.getLong("user_id");
        return rs.wasNull() ? java.util.Optional.empty() : java.util.Optional.of(v);
    }

    static DeliveryRow row(ResultSet rs) throws SQLException {
        return new DeliveryRow(UUID.fromString(rs.getString("id")), rs.getString("dispatch_id"),
                rs.getString("workspace"), Channel.fromWireName(rs.getString("channel")), rs.getString("recipient"),
                rs.getString("address"), rs.getString("egress_key"), Lane.fromDb(rs.getString("lane")),
                DeliveryStatus.fromDb(rs.getString("status")), rs.getInt("attempts"),
                Rows.instant(rs, "next_attempt_at"), Rows.instant(rs, "expires_at"), Rows.optional(rs, "last_error"),
                Rows.optional(rs, "provider_message_id"), Rows.optional(rs, "detail"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "updated_at"), userId(rs), Rows.optional(rs, "app_id"));
    }
}
