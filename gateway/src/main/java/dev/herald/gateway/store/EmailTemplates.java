package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;

/** The {@code email_template} table: the email templates of each workspace. */
public final class EmailTemplates {
    private static final String COLUMNS = "id, workspace, name, subject, body, plaintext_body, preheader, "
            + "should_inline_css, tags, created_at, updated_at";

    private final Sql sql;
    private final NamedItems<EmailTemplateRow> items;

    EmailTemplates(Sql sql) {
        this.sql = sql;
        this.items = new NamedItems<>(sql, "email_template", COLUMNS, EmailTemplates::row);
    }

    /** Inserts a new template; false (and nothing written) when the workspace has one of that name already. */
    public boolean insert(EmailTemplateRow t) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("INSERT INTO email_template (" + COLUMNS + ") "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
        bind(ps, t);
        return ps.executeUpdate() == 1;
    }

    /** Replaces every field of the template with {@code t}'s id (its workspace and creation time stay). */
    public void update(EmailTemplateRow t) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("UPDATE email_template SET name = ?, subject = ?, body = ?, "
                + "plaintext_body = ?, preheader = ?, should_inline_css = ?, tags = ?, updated_at = ? "
                + "WHERE id = ? AND workspace = ?");
        ps.setString(1, t.name());
        ps.setString(2, t.subject());
        ps.setString(3, t.body());
        Rows.setOptional(ps, 4, t.plaintextBody());
        Rows.setOptional(ps, 5, t.preheader());
        setFlag(ps, 6, t.shouldInlineCss());
        ps.setString(7, TagsColumn.encode(t.tags()));
        ps.setLong(8, Rows.millis(t.updatedAt()));
        ps.setString(9, t.id());
        ps.setString(10, t.workspace());
        ps.executeUpdate();
    }

    /** A workspace's template by id. */
    public Optional<EmailTemplateRow> find(String workspace, String id) throws SQLException {
        return items.find(workspace, id);
    }

    /** A workspace's template by name. */
    public Optional<EmailTemplateRow> findByName(String workspace, String name) throws SQLException {
        return items.findByName(workspace, name);
    }

    /** A page of a workspace's templates modified within the window, least recently modified first. */
    public List<EmailTemplateRow> list(String workspace, ModifiedWindow window) throws SQLException {
        return items.list(workspace, window);
    }

    private static void bind(PreparedStatement ps, EmailTemplateRow t) throws SQLException {
        ps.setString(1, t.id());
        ps.setString(2, t.workspace());
        ps.setString(3, t.name());
        ps.setString(4, t.subject());
        ps.setString(5, t.body());
        Rows.setOptional(ps, 6, t.plaintextBody());
        Rows.setOptional(ps, 7, t.preheader());
        setFlag(ps, 8, t.shouldInlineCss());
        ps.setString(9, TagsColumn.encode(t.tags()));
        ps.setLong(10, Rows.millis(t.createdAt()));
        ps.setLong(11, Rows.millis(t.updatedAt()));
    }

    /** A boolean as 0/1 (an integer column both engines read alike), NULL when absent. */
    private static void setFlag(PreparedStatement ps, int index, Optional<Boolean> flag) throws SQLException {
        if (flag.isPresent()) {
            ps.setInt(index, flag.get() ? 1 : 0);
        } else {
            ps.setNull(index, Types.INTEGER);
        }
    }

    private static EmailTemplateRow row(ResultSet rs) throws SQLException {
        int css = rs.getInt("should_inline_css");
        Optional<Boolean> inline = rs.wasNull() ? Optional.empty() : Optional.of(css != 0);
        return new EmailTemplateRow(rs.getString("id"), rs.getString("workspace"), rs.getString("name"),
                rs.getString("subject"), rs.getString("body"), Rows.optional(rs, "plaintext_body"),
                Rows.optional(rs, "preheader"), inline, TagsColumn.decode(rs.getString("tags")),
                Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));
    }
}
