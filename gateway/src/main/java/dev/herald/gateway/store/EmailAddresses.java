package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The email address lists of a workspace ({@code email_address_state}): the subscription state set by address, the
 * unsubscribe list and the hard-bounce list (the blocklist is both at once). Addresses are stored in lower case,
 * as the directory stores profile emails. Every method runs inside the caller's transaction.
 */
public final class EmailAddresses {
    private static final String COLUMNS = "email, subscription, unsubscribed_at, hard_bounced_at, bounce_reason, "
            + "blocklisted_at";

    private final Sql sql;

    EmailAddresses(Sql sql) {
        this.sql = sql;
    }

    /** The address's state, if it has one. */
    public Optional<EmailAddressRow> get(String workspace, String email) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT " + COLUMNS + " FROM email_address_state "
                + "WHERE workspace = ? AND email = ?");
        ps.setString(1, workspace);
        ps.setString(2, email);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new EmailAddressRow(rs.getString(1), Rows.optional(rs, "subscription"),
                    instant(rs, "unsubscribed_at"), instant(rs, "hard_bounced_at"), Rows.optional(rs, "bounce_reason"),
                    instant(rs, "blocklisted_at")));
        }
    }

    /**
     * Sets the address's subscription state. An address that stays unsubscribed keeps the time it first
     * unsubscribed (the unsubscribe list is ordered by it); any other state takes it off the list.
     */
    public void setSubscription(String workspace, String email, String state, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("INSERT INTO email_address_state (workspace, email, subscription, "
                + "unsubscribed_at, updated_at) VALUES (?,?,?,?,?) ON CONFLICT (workspace, email) DO UPDATE SET "
                + "subscription = excluded.subscription, unsubscribed_at = CASE WHEN excluded.unsubscribed_at IS NULL "
                + "THEN NULL ELSE COALESCE(email_address_state.unsubscribed_at, excluded.unsubscribed_at) END, "
                + "updated_at = excluded.updated_at");
        ps.setString(1, workspace);
        ps.setString(2, email);
        ps.setString(3, state);
        setInstant(ps, 4, state.equals("unsubscribed") ? Optional.of(now) : Optional.empty());
        ps.setLong(5, Rows.millis(now));
        ps.executeUpdate();
    }

    /** Puts the address on the hard-bounce list (keeping the time of a bounce it is already listed for). */
    public void markHardBounced(String workspace, String email, String reason, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("INSERT INTO email_address_state (workspace, email, "
                + "hard_bounced_at, bounce_reason, updated_at) VALUES (?,?,?,?,?) ON CONFLICT (workspace, email) DO "
                + "UPDATE SET hard_bounced_at = COALESCE(email_address_state.hard_bounced_at, excluded.hard_bounced_at), "
                + "bounce_reason = excluded.bounce_reason, updated_at = excluded.updated_at");
        ps.setString(1, workspace);
        ps.setString(2, email);
        ps.setLong(3, Rows.millis(now));
        ps.setString(4, reason);
        ps.setLong(5, Rows.millis(now));
        ps.executeUpdate();
    }

    /** Blocklists the address: unsubscribed and hard bounced at once, as Braze's {@code /email/blocklist} does. */
    public void blocklist(String workspace, String email, Instant now) throws SQLException {
        setSubscription(workspace, email, "unsubscribed", now);
        markHardBounced(workspace, email, "blocklisted via /email/blocklist", now);
        PreparedStatement ps = sql.prepareUnrelated("UPDATE email_address_state SET blocklisted_at = ? "
                + "WHERE workspace = ? AND email = ?");
        ps.setLong(1, Rows.millis(now));
        ps.setString(2, workspace);
        ps.setString(3, email);
        ps.executeUpdate();
    }

    /** Takes the address off the hard-bounce list (and so off the blocklist); its subscription state stays. */
    public void removeBounce(String workspace, String email, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("UPDATE email_address_state SET hard_bounced_at = NULL, "
                + "bounce_reason = NULL, blocklisted_at = NULL, updated_at = ? WHERE workspace = ? AND email = ?");
        ps.setLong(1, Rows.millis(now));
        ps.setString(2, workspace);
        ps.setString(3, email);
        ps.executeUpdate();
    }

    /** A page of the unsubscribe list. */
    public List<Listed> unsubscribes(String workspace, ListQuery q) throws SQLException {
        return page("unsubscribed_at", workspace, q);
    }

    /** A page of the hard-bounce list (newest first). */
    public List<Listed> hardBounces(String workspace, ListQuery q) throws SQLException {
        return page("hard_bounced_at", workspace, q);
    }

    private List<Listed> page(String column, String workspace, ListQuery q) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT email, " + column + " FROM email_address_state "
                + "WHERE workspace = ? AND " + column + " >= ? AND " + column + " < ? ORDER BY " + column
                + (q.oldestFirst() ? " ASC" : " DESC") + ", email LIMIT ? OFFSET ?");
        ps.setString(1, workspace);
        ps.setLong(2, Rows.millis(q.from()));
        ps.setLong(3, Rows.millis(q.until()));
        ps.setInt(4, q.limit());
        ps.setInt(5, q.offset());
        List<Listed> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Listed(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), ""));
            }
        }
        return out;
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }

    private static void setInstant(PreparedStatement ps, int index, Optional<Instant> value) throws SQLException {
        if (value.isPresent()) {
            ps.setLong(index, Rows.millis(value.get()));
        } else {
            ps.setNull(index, Types.BIGINT);
        }
    }
}
