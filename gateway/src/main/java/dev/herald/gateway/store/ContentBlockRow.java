package dev.herald.gateway.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Content Block of a workspace: Liquid or HTML that any template field includes with
 * {@code {{content_blocks.${name}}}}.
 *
 * @param id    the {@code content_block_id} (a UUID)
 * @param name  unique in the workspace; letters, digits, {@code -} and {@code _}
 * @param state {@code active} or {@code draft}
 * @param tags  as given (Herald keeps no tag registry)
 */
public record ContentBlockRow(String id, String workspace, String name, Optional<String> description, String content,
                              String state, List<String> tags, Instant createdAt, Instant updatedAt) {
    public ContentBlockRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(state, "state");
        tags = List.copyOf(tags);
    }
}
