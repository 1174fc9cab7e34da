package dev.herald.gateway.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The {@code content_block} table: the Content Blocks of each workspace. */
public final class ContentBlocks {
    private static final String COLUMNS = "id, workspace, name, description, content, state, tags, created_at, "
            + "updated_at";

    private final Sql sql;
    private final NamedItems<ContentBlockRow> items;

    ContentBlocks(Sql sql) {
        this.sql = sql;
        this.items = new NamedItems<>(sql, "content_block", COLUMNS, ContentBlocks::row);
    }

    /** Inserts a new block; false (and nothing written) when the workspace has one of that name already. */
    public boolean insert(ContentBlockRow b) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("INSERT INTO content_block (" + COLUMNS + ") "
                + "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
        ps.setString(1, b.id());
        ps.setString(2, b.workspace());
        ps.setString(3, b.name());
        Rows.setOptional(ps, 4, b.description());
        ps.setString(5, b.content());
        ps.setString(6, b.state());
        ps.setString(7, TagsColumn.encode(b.tags()));
        ps.setLong(8, Rows.millis(b.createdAt()));
        ps.setLong(9, Rows.millis(b.updatedAt()));
        return ps.executeUpdate() == 1;
    }

    /** Replaces every field of the block with {@code b}'s id (its workspace and creation time stay). */
    public void update(ContentBlockRow b) throws SQLException {
        PreparedStatement ps = sql.prepareUnrelated("UPDATE content_block SET name = ?, description = ?, content = ?, "
                + "state = ?, tags = ?, updated_at = ? WHERE id = ? AND workspace = ?");
        ps.setString(1, b.name());
        Rows.setOptional(ps, 2, b.description());
        ps.setString(3, b.content());
        ps.setString(4, b.state());
        ps.setString(5, TagsColumn.encode(b.tags()));
        ps.setLong(6, Rows.millis(b.updatedAt()));
        ps.setString(7, b.id());
        ps.setString(8, b.workspace());
        ps.executeUpdate();
    }

    /** A workspace's block by id. */
    public Optional<ContentBlockRow> find(String workspace, String id) throws SQLException {
        return items.find(workspace, id);
    }

    /** A workspace's block by name (what {@code {{content_blocks.${name}}}} includes). */
    public Optional<ContentBlockRow> findByName(String workspace, String name) throws SQLException {
        return items.findByName(workspace, name);
    }

    /** A page of a workspace's blocks modified within the window, least recently modified first. */
    public List<ContentBlockRow> list(String workspace, ModifiedWindow window) throws SQLException {
        return items.list(workspace, window);
    }

    private static ContentBlockRow row(ResultSet rs) throws SQLException {
        return new ContentBlockRow(rs.getString("id"), rs.getString("workspace"), rs.getString("name"),
                Rows.optional(rs, "description"), rs.getString("content"), rs.getString("state"),
                TagsColumn.decode(rs.getString("tags")), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "updated_at"));
    }
}
