package dev.herald.gateway.auth;

import dev.herald.config.ApiKeyConfig;
import dev.herald.config.WorkspaceConfig;
import java.util.Objects;

/**
 * Who is calling: the workspace an API key belongs to, and that key's permissions.
 *
 * @param workspace the workspace the key authenticates as
 * @param key       the key's configuration (name and permissions, never the key)
 */
public record Principal(WorkspaceConfig workspace, ApiKeyConfig key) {
    public Principal {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(key, "key");
    }

    /** The workspace id. */
    public String workspaceId() {
        return workspace.id();
    }

    /** Whether the key carries {@code permission}. */
    public boolean may(String permission) {
        return key.allows(permission);
    }
}
