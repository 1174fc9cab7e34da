package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The user directory: {@code app_user}, {@code user_alias}, {@code push_token}, {@code subscription} and
 * {@code user_event}. Every method runs inside the caller's transaction.
 */
public final class Users {
    private static final String COLUMNS = "id, workspace, braze_id, external_id, email, email_invalid, phone, "
            + "phone_invalid, email_subscribe, push_subscribe, time_zone, profile, custom, created_at, updated_at";

    private static final String PREFIXED = "u.id, u.workspace, u.braze_id, u.external_id, u.email, u.email_invalid, "
            + "u.phone, u.phone_invalid, u.email_subscribe, u.push_subscribe, u.time_zone, u.profile, u.custom, "
            + "u.created_at, u.updated_at";

    /** IN-list lengths a lookup of many ids pads to: few distinct statements in each connection's cache. */
    private static final int[] IN_LIST_SIZES = {1, 4, 16, 64};
    private static final int IN_LIST_MAX = IN_LIST_SIZES[IN_LIST_SIZES.length - 1];

    private final Sql sql;
    /** Push tokens read ahead by {@link #preloadPushTokens}, by user, while its preload is open. */
    private Map<Long, List<PushTokenRow>> preloaded = Map.of();

    Users(Sql sql) {
        this.sql = sql;
    }

    /**
     * The user with this external id: its primary id, or an id deprecated by a rename and not yet removed (Braze's
     * migration period, in which both ids find the profile).
     */
    public Optional<UserRow> byExternalId(String workspace, String externalId) throws SQLException {
        return Optional.ofNullable(byExternalIds(workspace, List.of(externalId)).get(externalId));
    }

    /**
     * The users with these external ids, as {@link #byExternalId} finds each, keyed by the id asked for (ids that
     * find nobody are absent). Two statements for the whole list rather than two per id: a send to 50 users resolved
     * them with 100 statements on the request's read connection.
     */
    public Map<String, UserRow> byExternalIds(String workspace, Collection<String> externalIds) throws SQLException {
        Map<String, UserRow> found = new HashMap<>();
        List<String> ids = List.copyOf(new LinkedHashSet<>(externalIds));
        for (int from = 0; from < ids.size(); from += IN_LIST_MAX) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST_MAX));
            collect(found, "SELECT " + COLUMNS + ", external_id AS asked FROM app_user WHERE workspace = ? "
                    + "AND external_id IN ", workspace, chunk);
            List<String> missing = chunk.stream().filter(id -> !found.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                collect(found, "SELECT " + PREFIXED + ", d.external_id AS asked FROM deprecated_external_id d "
                        + "JOIN app_user u ON u.id = d.user_id WHERE d.workspace = ? AND d.external_id IN ", workspace,
                        missing);
            }
        }
        return found;
    }

    /**
     * Runs {@code query} (ending in {@code IN }) with an IN list of {@code ids} padded to a size of
     * {@link #IN_LIST_SIZES} (the first id repeated), so a handful of statements serve every list length.
     */
    private void collect(Map<String, UserRow> found, String query, String workspace, List<String> ids)
            throws SQLException {
        int size = paddedSize(ids.size());
        PreparedStatement ps = sql.prepareUnrelated(query + "(" + "?,".repeat(size - 1) + "?)");
        ps.setString(1, workspace);
        for (int i = 0; i < size; i++) {
            ps.setString(i + 2, ids.get(i < ids.size() ? i : 0));
        }
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.putIfAbsent(rs.getString("asked"), row(rs));
            }
        }
    }

    /** The smallest of {@link #IN_LIST_SIZES} that holds {@code n} ids ({@code n} is at most the largest). */
    private static int paddedSize(int n) {
        for (int s : IN_LIST_SIZES) {
            if (s >= n) {
                return s;
            }
        }
        return IN_LIST_MAX;
    }

    /** The user whose primary external id this is (a deprecated id finds nobody here). */
    public Optional<UserRow> byPrimaryExternalId(String workspace, String externalId) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM app_user WHERE workspace = ? AND external_id = ?", workspace, externalId);
    }

    /** Whether this external id is deprecated (renamed away from and not yet removed). */
    public boolean isDeprecatedExternalId(String workspace, String externalId) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT 1 FROM deprecated_external_id WHERE workspace = ? "
                + "AND external_id = ?");
        ps.setString(1, workspace);
        ps.setString(2, externalId);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** Keeps {@code externalId} as a deprecated id of the user (after a rename). */
    public void deprecateExternalId(String workspace, String externalId, long userId, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO deprecated_external_id (workspace, external_id, user_id, "
                + "created_at) VALUES (?,?,?,?)");
        ps.setString(1, workspace);
        ps.setString(2, externalId);
        ps.setLong(3, userId);
        ps.setLong(4, Rows.millis(now));
        ps.executeUpdate();
    }

    /**
     * Removes a deprecated external id: it finds no profile any more.
     *
     * @return whether it was a deprecated id
     */
    public boolean removeDeprecatedExternalId(String workspace, String externalId) throws SQLException {
        PreparedStatement ps = sql.prepare("DELETE FROM deprecated_external_id WHERE workspace = ? AND external_id = ?");
        ps.setString(1, workspace);
        ps.setString(2, externalId);
        return ps.executeUpdate() > 0;
    }

    /** The users with a push token registered with this device id (Braze's {@code device_id}). */
    public List<UserRow> byDeviceId(String workspace, String deviceId) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT " + PREFIXED + " FROM app_user u WHERE u.id IN (SELECT "
                + "t.user_id FROM push_token t WHERE t.workspace = ? AND t.device_id = ?) ORDER BY u.id");
        ps.setString(1, workspace);
        ps.setString(2, deviceId);
        List<UserRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** The user with this Herald/Braze id. */
    public Optional<UserRow> byBrazeId(String workspace, String brazeId) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM app_user WHERE workspace = ? AND braze_id = ?", workspace, brazeId);
    }

    /** The user an alias belongs to. */
    public Optional<UserRow> byAlias(String workspace, String label, String name) throws SQLException {
        return one("SELECT " + PREFIXED + " FROM user_alias a JOIN app_user u ON u.id = a.user_id "
                + "WHERE a.workspace = ? AND a.alias_label = ? AND a.alias_name = ?", workspace, label, name);
    }

    /** The most recently updated user with this email address. */
    public Optional<UserRow> byEmail(String workspace, String email) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM app_user WHERE workspace = ? AND email = ? ORDER BY updated_at DESC "
                + "LIMIT 1", workspace, email);
    }

    /** The most recently updated user with this phone number. */
    public Optional<UserRow> byPhone(String workspace, String phone) throws SQLException {
        return one("SELECT " + COLUMNS + " FROM app_user WHERE workspace = ? AND phone = ? ORDER BY updated_at DESC "
                + "LIMIT 1", workspace, phone);
    }

    /** Every profile with this email address ({@code column} = email) or phone number ({@code column} = phone). */
    public List<UserRow> allBy(String workspace, String column, String value) throws SQLException {
        if (!column.equals("email") && !column.equals("phone")) {
            throw new IllegalArgumentException("column must be email or phone");
        }
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM app_user WHERE workspace = ? AND " + column
                + " = ?");
        ps.setString(1, workspace);
        ps.setString(2, value);
        List<UserRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** A page of a workspace's profiles in row order, after row {@code afterId} (broadcast expansion). */
    public List<UserRow> page(String workspace, long afterId, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM app_user WHERE workspace = ? AND id > ? "
                + "ORDER BY id LIMIT ?");
        ps.setString(1, workspace);
        ps.setLong(2, afterId);
        ps.setInt(3, limit);
        List<UserRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** The user with this row id. */
    public Optional<UserRow> byId(long id) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT " + COLUMNS + " FROM app_user WHERE id = ?");
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    /** Creates an empty profile; returns it. */
    public UserRow create(String workspace, Optional<String> externalId, Instant now) throws SQLException {
        byte[] id = new byte[12];
        ThreadLocalRandom.current().nextBytes(id);
        String brazeId = HexFormat.of().formatHex(id);
        PreparedStatement ps = sql.prepare("INSERT INTO app_user (workspace, braze_id, external_id, created_at, "
                + "updated_at) VALUES (?,?,?,?,?)");
        ps.setString(1, workspace);
        ps.setString(2, brazeId);
        Rows.setOptional(ps, 3, externalId);
        ps.setLong(4, Rows.millis(now));
        ps.setLong(5, Rows.millis(now));
        ps.executeUpdate();
        return byBrazeId(workspace, brazeId).orElseThrow();
    }

    /** Writes every mutable field of a profile. */
    public void update(UserRow u, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE app_user SET external_id = ?, email = ?, email_invalid = ?, phone = ?, "
                + "phone_invalid = ?, email_subscribe = ?, push_subscribe = ?, time_zone = ?, profile = ?, custom = ?, "
                + "updated_at = ? WHERE id = ?");
        Rows.setOptional(ps, 1, u.externalId());
        Rows.setOptional(ps, 2, u.email());
        Rows.setOptional(ps, 3, u.emailInvalid());
        Rows.setOptional(ps, 4, u.phone());
        Rows.setOptional(ps, 5, u.phoneInvalid());
        Rows.setOptional(ps, 6, u.emailSubscribe());
        Rows.setOptional(ps, 7, u.pushSubscribe());
        Rows.setOptional(ps, 8, u.timeZone());
        ps.setString(9, u.profile());
        ps.setString(10, u.custom());
        ps.setLong(11, Rows.millis(now));
        ps.setLong(12, u.id());
        ps.executeUpdate();
    }

    /** Points an alias at a user (moving it if another user had it). */
    public void putAlias(String workspace, String label, String name, long userId) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO user_alias (workspace, alias_label, alias_name, user_id) "
                + "VALUES (?,?,?,?) ON CONFLICT (workspace, alias_label, alias_name) DO UPDATE SET user_id = excluded.user_id");
        ps.setString(1, workspace);
        ps.setString(2, label);
        ps.setString(3, name);
        ps.setLong(4, userId);
        ps.executeUpdate();
    }

    /**
     * Renames an alias within its label ({@code /users/alias/update}).
     *
     * @return whether the alias existed
     */
    public boolean renameAlias(String workspace, String label, String oldName, String newName) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE user_alias SET alias_name = ? WHERE workspace = ? AND alias_label = ? "
                + "AND alias_name = ?");
        ps.setString(1, newName);
        ps.setString(2, workspace);
        ps.setString(3, label);
        ps.setString(4, oldName);
        return ps.executeUpdate() > 0;
    }

    /** The aliases of a user as {@code label → name} pairs. */
    public List<String[]> aliases(long userId) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT alias_label, alias_name FROM user_alias WHERE user_id = ?");
        ps.setLong(1, userId);
        List<String[]> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }

    /**
     * Registers a device token to a user. A token is unique per workspace and app: registering it again moves it
     * to the newest user (so one user's pushes never reach another's device) and makes it valid again.
     */
    public void putPushToken(String workspace, String appId, String token, long userId, Optional<String> deviceId,
                             Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO push_token (workspace, app_id, token, user_id, device_id, "
                + "registered_at, invalid_reason) VALUES (?,?,?,?,?,?,NULL) ON CONFLICT (workspace, app_id, token) DO "
                + "UPDATE SET user_id = excluded.user_id, device_id = COALESCE(excluded.device_id, push_token.device_id), "
                + "registered_at = excluded.registered_at, invalid_reason = NULL");
        ps.setString(1, workspace);
        ps.setString(2, appId);
        ps.setString(3, token);
        ps.setLong(4, userId);
        Rows.setOptional(ps, 5, deviceId);
        ps.setLong(6, Rows.millis(now));
        ps.executeUpdate();
    }

    private static final String TOKEN_COLUMNS = "SELECT workspace, app_id, token, user_id, device_id, registered_at, "
            + "invalid_reason FROM push_token WHERE user_id ";
    private static final String TOKEN_ORDER = " ORDER BY registered_at DESC, token";

    /** A user's tokens, newest registration first. */
    public List<PushTokenRow> pushTokens(long userId) throws SQLException {
        List<PushTokenRow> ahead = preloaded.get(userId);
        if (ahead != null) {
            return ahead;
        }
        PreparedStatement ps = sql.prepareUnrelated(TOKEN_COLUMNS + "= ?" + TOKEN_ORDER);
        ps.setLong(1, userId);
        List<PushTokenRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(tokenRow(rs));
            }
        }
        return out;
    }

    /**
     * Reads these users' push tokens ahead, one statement per {@value #IN_LIST_MAX} users, so that
     * {@link #pushTokens} answers for them from memory until the returned preload is closed. An expansion asks for
     * its recipients' tokens one user at a time: one statement per recipient was most of a push send's reads.
     * Close it before anything in the same transaction changes those tokens.
     */
    public PushTokenPreload preloadPushTokens(Collection<Long> userIds) throws SQLException {
        Map<Long, List<PushTokenRow>> byUser = new HashMap<>();
        List<Long> ids = List.copyOf(new LinkedHashSet<>(userIds));
        for (int from = 0; from < ids.size(); from += IN_LIST_MAX) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST_MAX));
            int size = paddedSize(chunk.size());
            PreparedStatement ps = sql.prepareUnrelated(TOKEN_COLUMNS + "IN (" + "?,".repeat(size - 1) + "?)"
                    + TOKEN_ORDER);
            for (int i = 0; i < size; i++) {
                ps.setLong(i + 1, chunk.get(i < chunk.size() ? i : 0)); // a repeated id finds its rows once
            }
            chunk.forEach(id -> byUser.put(id, new ArrayList<>()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) { // newest first overall, so newest first within each user
                    PushTokenRow t = tokenRow(rs);
                    byUser.get(t.userId()).add(t);
                }
            }
        }
        preloaded = byUser;
        return new PushTokenPreload();
    }

    /** The scope of a {@link #preloadPushTokens} read-ahead: closing it makes {@link #pushTokens} read again. */
    public final class PushTokenPreload implements AutoCloseable {
        private PushTokenPreload() {
        }

        @Override
        public void close() {
            preloaded = Map.of();
        }
    }

    private static PushTokenRow tokenRow(ResultSet rs) throws SQLException {
        return new PushTokenRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                Optional.ofNullable(rs.getString(5)), Instant.ofEpochMilli(rs.getLong(6)),
                Optional.ofNullable(rs.getString(7)));
    }

    /**
     * Marks a token invalid, unless it was registered again after {@code since} (APNs' invalidation time).
     *
     * @return whether it was marked
     */
    public boolean invalidatePushToken(String workspace, String appId, String token, Optional<Instant> since,
                                       String reason) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE push_token SET invalid_reason = ? WHERE workspace = ? AND app_id = ? "
                + "AND token = ? AND (? IS NULL OR registered_at <= ?)");
        ps.setString(1, reason);
        ps.setString(2, workspace);
        ps.setString(3, appId);
        ps.setString(4, token);
        if (since.isPresent()) {
            ps.setLong(5, Rows.millis(since.get()));
            ps.setLong(6, Rows.millis(since.get()));
        } else {
            ps.setNull(5, Types.BIGINT);
            ps.setNull(6, Types.BIGINT);
        }
        return ps.executeUpdate() > 0;
    }

    /** Marks every profile with this email address as bounced. */
    public int invalidateEmail(String workspace, String email, String reason, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE app_user SET email_invalid = ?, updated_at = ? WHERE workspace = ? "
                + "AND email = ?");
        ps.setString(1, reason);
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, workspace);
        ps.setString(4, email);
        return ps.executeUpdate();
    }

    /** Marks every profile with this phone number as refused. */
    public int invalidatePhone(String workspace, String phone, String reason, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE app_user SET phone_invalid = ?, updated_at = ? WHERE workspace = ? "
                + "AND phone = ?");
        ps.setString(1, reason);
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, workspace);
        ps.setString(4, phone);
        return ps.executeUpdate();
    }

    /** Clears the bounce mark of every profile with this email address ({@code /email/bounce/remove}). */
    public int clearEmailInvalid(String workspace, String email, Instant now) throws SQLException {
        return clearMark("email", workspace, email, now);
    }

    /** Clears the refusal mark of every profile with this phone number ({@code /sms/invalid_phone_numbers/remove}). */
    public int clearPhoneInvalid(String workspace, String phone, Instant now) throws SQLException {
        return clearMark("phone", workspace, phone, now);
    }

    private int clearMark(String column, String workspace, String value, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE app_user SET " + column + "_invalid = NULL, updated_at = ? "
                + "WHERE workspace = ? AND " + column + " = ? AND " + column + "_invalid IS NOT NULL");
        ps.setLong(1, Rows.millis(now));
        ps.setString(2, workspace);
        ps.setString(3, value);
        return ps.executeUpdate();
    }

    /** Sets {@code email_subscribe} on every profile with this email address ({@code /email/status}). */
    public int setEmailSubscribe(String workspace, String email, String state, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("UPDATE app_user SET email_subscribe = ?, updated_at = ? WHERE workspace = ? "
                + "AND email = ?");
        ps.setString(1, state);
        ps.setLong(2, Rows.millis(now));
        ps.setString(3, workspace);
        ps.setString(4, email);
        return ps.executeUpdate();
    }

    /** Sets a subscription-group state. */
    public void putSubscription(long userId, String groupId, String state, Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO subscription (user_id, group_id, state, updated_at) VALUES "
                + "(?,?,?,?) ON CONFLICT (user_id, group_id) DO UPDATE SET state = excluded.state, "
                + "updated_at = excluded.updated_at");
        ps.setLong(1, userId);
        ps.setString(2, groupId);
        ps.setString(3, state);
        ps.setLong(4, Rows.millis(now));
        ps.executeUpdate();
    }

    /** A subscription-group state, if set. */
    public Optional<String> subscription(long userId, String groupId) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT state FROM subscription WHERE user_id = ? "
                + "AND group_id = ?");
        ps.setLong(1, userId);
        ps.setString(2, groupId);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /** Every subscription-group state of a user, {@code group → state}. */
    public java.util.Map<String, String> subscriptions(long userId) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT group_id, state FROM subscription WHERE user_id = ?");
        ps.setLong(1, userId);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Records a custom event or a purchase ({@code kind} = event | purchase) with its data as JSON. */
    public void addEvent(long userId, String kind, String name, Optional<String> appId, Instant time, String data,
                         Instant now) throws SQLException {
        PreparedStatement ps = sql.prepare("INSERT INTO user_event (user_id, kind, name, app_id, time, data, created_at) "
                + "VALUES (?,?,?,?,?,?,?)");
        ps.setLong(1, userId);
        ps.setString(2, kind);
        ps.setString(3, name);
        Rows.setOptional(ps, 4, appId);
        ps.setLong(5, Rows.millis(time));
        ps.setString(6, data);
        ps.setLong(7, Rows.millis(now));
        ps.executeUpdate();
    }

    /** Moves everything of user {@code from} (aliases, tokens, subscriptions, events) to user {@code to}. */
    public void moveAll(long from, long to) throws SQLException {
        PreparedStatement aliases = sql.prepare("UPDATE user_alias SET user_id = ? WHERE user_id = ?");
        aliases.setLong(1, to);
        aliases.setLong(2, from);
        aliases.executeUpdate();
        moveActivity(from, to);
    }

    /**
     * Moves the devices and history of user {@code from} to user {@code to}: push tokens, events and purchases, and
     * the subscription-group states {@code to} has none for ({@code /users/merge}; aliases stay with {@code from}).
     */
    public void moveActivity(long from, long to) throws SQLException {
        for (String statement : new String[] {"UPDATE push_token SET user_id = ? WHERE user_id = ?",
                "UPDATE user_event SET user_id = ? WHERE user_id = ?"}) {
            PreparedStatement ps = sql.prepare(statement);
            ps.setLong(1, to);
            ps.setLong(2, from);
            ps.executeUpdate();
        }
        // A group the target already has a state for keeps the target's; the rest move over.
        PreparedStatement subscriptions = sql.prepare("UPDATE subscription SET user_id = ? WHERE user_id = ? "
                + "AND group_id NOT IN (SELECT group_id FROM subscription WHERE user_id = ?)");
        subscriptions.setLong(1, to);
        subscriptions.setLong(2, from);
        subscriptions.setLong(3, to);
        subscriptions.executeUpdate();
    }

    /** Deletes a user and everything that belongs to it from the directory. */
    public void delete(long userId) throws SQLException {
        for (String statement : new String[] {"DELETE FROM user_alias WHERE user_id = ?",
                "DELETE FROM push_token WHERE user_id = ?", "DELETE FROM subscription WHERE user_id = ?",
                "DELETE FROM user_event WHERE user_id = ?", "DELETE FROM deprecated_external_id WHERE user_id = ?",
                "DELETE FROM app_user WHERE id = ?"}) {
            PreparedStatement ps = sql.prepare(statement);
            ps.setLong(1, userId);
            ps.executeUpdate();
        }
    }

    /**
     * A summary per name of a user's events ({@code kind} = event) or purchases ({@code kind} = purchase) as kept:
     * the count and the first and last times.
     */
    public List<EventSummary> eventSummaries(long userId, String kind) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("SELECT name, MIN(time), MAX(time), COUNT(*) FROM user_event "
                + "WHERE user_id = ? AND kind = ? GROUP BY name ORDER BY name");
        ps.setLong(1, userId);
        ps.setString(2, kind);
        List<EventSummary> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new EventSummary(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                        Instant.ofEpochMilli(rs.getLong(3)), rs.getLong(4)));
            }
        }
        return out;
    }

    /** Deletes events and purchases recorded before {@code before}, at most {@code limit}. */
    public int purgeEvents(Instant before, int limit) throws SQLException {
        PreparedStatement ps = sql.prepare("DELETE FROM user_event WHERE id IN (SELECT id FROM user_event WHERE "
                + "created_at < ? LIMIT ?)");
        ps.setLong(1, Rows.millis(before));
        ps.setInt(2, limit);
        return ps.executeUpdate();
    }

    private Optional<UserRow> one(String query, String... params) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated(query); // profiles: deferred writes never touch them
        for (int i = 0; i < params.length; i++) {
            ps.setString(i + 1, params[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
    }

    private static UserRow row(ResultSet rs) throws SQLException {
        return new UserRow(rs.getLong("id"), rs.getString("workspace"), rs.getString("braze_id"),
                Rows.optional(rs, "external_id"), Rows.optional(rs, "email"), Rows.optional(rs, "email_invalid"),
                Rows.optional(rs, "phone"), Rows.optional(rs, "phone_invalid"), Rows.optional(rs, "email_subscribe"),
                Rows.optional(rs, "push_subscribe"), Rows.optional(rs, "time_zone"), rs.getString("profile"),
                rs.getString("custom"), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));
    }
}
