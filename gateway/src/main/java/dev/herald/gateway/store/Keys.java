package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Deduplication keys: {@code Idempotency-Key} responses, transactional {@code external_send_id}s and
 * {@code /sends/id/create} ids. Each is written in the same transaction as the work it protects.
 */
public final class Keys {
    /** A stored response for an idempotency key. */
    public record StoredResponse(String fingerprint, int status, String body, Instant createdAt) {
    }

    private final Sql sql;

    Keys(Sql sql) {
        this.sql = sql;
    }

    /** The response stored for an idempotency key since {@code notBefore}. */
    public Optional<StoredResponse> idempotent(String workspace, String key, Instant notBefore) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT fingerprint, status, body, created_at FROM idempotency "
                + "WHERE workspace = ? AND idem_key = ? AND created_at >= ?");
        ps.setString(1, workspace);
        ps.setString(2, key);
        ps.setLong(3, Rows.millis(notBefore));
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new StoredResponse(rs.getString(1), rs.getInt(2), rs.getString(3),
                    Rows.instant(rs, "created_at"))) : Optional.empty();
        }
    }

    /**
     * Stores the response of an idempotency key, replacing one created before {@code expiredBefore}.
     *
     * @return false if a live response is already stored (another process got there first)
     */
    public boolean putIdempotent(String workspace, String key, String fingerprint, int status, String body,
                                 Optional<String> dispatchId, Instant now, Instant expiredBefore) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO idempotency (workspace, idem_key, fingerprint, status, body, "
                + "dispatch_id, created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT (workspace, idem_key) DO UPDATE SET "
                + "fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body, "
                + "dispatch_id = excluded.dispatch_id, created_at = excluded.created_at "
                + "WHERE idempotency.created_at < ?");
        ps.setString(1, workspace);
        ps.setString(2, key);
        ps.setString(3, fingerprint);
        ps.setInt(4, status);
        ps.setString(5, body);
        Rows.setOptional(ps, 6, dispatchId);
        ps.setLong(7, Rows.millis(now));
        ps.setLong(8, Rows.millis(expiredBefore));
        return ps.executeUpdate() == 1;
    }

    /** The dispatch an {@code external_send_id} of a campaign already produced since {@code notBefore}. */
    public Optional<String> externalSend(String workspace, String campaignId, String externalSendId, Instant notBefore)
            throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT dispatch_id FROM external_send WHERE workspace = ? AND campaign_id = ? "
                + "AND external_send_id = ? AND created_at >= ?");
        ps.setString(1, workspace);
        ps.setString(2, campaignId);
        ps.setString(3, externalSendId);
        ps.setLong(4, Rows.millis(notBefore));
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /** The dispatches an {@code external_send_id} produced in a workspace, by campaign (kept 24 hours). */
    public java.util.Map<String, String> externalSends(String workspace, String externalSendId) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT campaign_id, dispatch_id FROM external_send WHERE workspace = ? "
                + "AND external_send_id = ? ORDER BY created_at DESC");
        ps.setString(1, workspace);
        ps.setString(2, externalSendId);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Records the dispatch of an {@code external_send_id} (replacing an expired record). */
    public void putExternalSend(String workspace, String campaignId, String externalSendId, String dispatchId,
                                Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO external_send (workspace, campaign_id, external_send_id, "
                + "dispatch_id, created_at) VALUES (?,?,?,?,?) ON CONFLICT (workspace, campaign_id, external_send_id) "
                + "DO UPDATE SET dispatch_id = excluded.dispatch_id, created_at = excluded.created_at");
        ps.setString(1, workspace);
        ps.setString(2, campaignId);
        ps.setString(3, externalSendId);
        ps.setString(4, dispatchId);
        ps.setLong(5, Rows.millis(now));
        ps.executeUpdate();
    }

    /** How many send ids the workspace created since {@code since}. */
    public int sendIdsSince(String workspace, Instant since) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT COUNT(*) FROM send_id WHERE workspace = ? AND created_at >= ?");
        ps.setString(1, workspace);
        ps.setLong(2, Rows.millis(since));
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Whether the workspace already created this campaign's send id. */
    public boolean sendIdExists(String workspace, String campaignId, String sendId) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT 1 FROM send_id WHERE workspace = ? AND campaign_id = ? AND send_id = ?");
        ps.setString(1, workspace);
        ps.setString(2, campaignId);
        ps.setString(3, sendId);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** Records a send id; false if the pair already exists. */
    public boolean putSendId(String workspace, String campaignId, String sendId, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO send_id (workspace, campaign_id, send_id, created_at) "
                + "VALUES (?,?,?,?) ON CONFLICT DO NOTHING");
        ps.setString(1, workspace);
        ps.setString(2, campaignId);
        ps.setString(3, sendId);
        ps.setLong(4, Rows.millis(now));
        return ps.executeUpdate() == 1;
    }

    /** Deletes send ids created before {@code before}, at most {@code limit}. */
    public int purgeSendIds(Instant before, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("DELETE FROM send_id WHERE (workspace, campaign_id, send_id) IN "
                + "(SELECT workspace, campaign_id, send_id FROM send_id WHERE created_at < ? LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    /** Deletes keys older than {@code before}, at most {@code limit} of each kind. */
    public int purge(Instant before, int limit) throws SQLException {
        int n = 0;
        for (String[] table : new String[][] {{"idempotency", "workspace, idem_key"},
                {"external_send", "workspace, campaign_id, external_send_id"}}) {
            PreparedStatement ps = sql.prepare("DELETE FROM " + table[0] + " WHERE (" + table[1] + ") IN (SELECT "
                    + table[1] + " FROM " + table[0] + " WHERE created_at < ? LIMIT ?)");
            ps.setLong(1, Rows.millis(before));
            ps.setInt(2, limit);
            n += ps.executeUpdate();
        }
        return n;
    }
}
