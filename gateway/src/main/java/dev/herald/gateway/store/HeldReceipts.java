package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code held_receipt} table: provider status reports (Twilio callbacks) that arrived before the outcome of
 * the send they report on was recorded, kept until that outcome names their message id.
 */
public final class HeldReceipts {
    private final Sql sql;

    HeldReceipts(Sql sql) {
        this.sql = sql;
    }

    /** Keeps a report for the message {@code providerMessageId} of the workspace. */
    public void hold(String workspace, String providerMessageId, String report, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO held_receipt (workspace, provider_message_id, report, received_at) "
                + "VALUES (?,?,?,?)");
        ps.setString(1, workspace);
        ps.setString(2, providerMessageId);
        ps.setString(3, report);
        ps.setLong(4, Rows.millis(now));
        ps.executeUpdate();
    }

    /** Removes and returns the reports held for a message, in arrival order. */
    public List<String> take(String workspace, String providerMessageId) throws SQLException {
        PreparedStatement select = sql.prepare("SELECT report FROM held_receipt WHERE workspace = ? "
                + "AND provider_message_id = ? ORDER BY seq");
        select.setString(1, workspace);
        select.setString(2, providerMessageId);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        if (!out.isEmpty()) {
            PreparedStatement delete = sql.prepare("DELETE FROM held_receipt WHERE workspace = ? AND provider_message_id = ?");
            delete.setString(1, workspace);
            delete.setString(2, providerMessageId);
            delete.executeUpdate();
        }
        return out;
    }

    /** Deletes reports received before {@code before} that no outcome claimed, at most {@code limit}. */
    public int purge(Instant before, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("DELETE FROM held_receipt WHERE seq IN (SELECT seq FROM held_receipt "
                + "WHERE received_at < ? LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }
}
