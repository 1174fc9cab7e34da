package dev.herald.config;

import java.util.List;
import java.util.Objects;

/**
 * A tenant: its API keys and whether it runs in sandbox mode.
 *
 * @param id      the workspace id, unique in the file; appears in status URLs and callbacks
 * @param sandbox when true nothing is sent to a provider: outcomes are simulated from the address
 * @param apiKeys the keys that authenticate as this workspace
 */
public record WorkspaceConfig(String id, boolean sandbox, List<ApiKeyConfig> apiKeys) {
    public WorkspaceConfig {
        Objects.requireNonNull(id, "id");
        apiKeys = List.copyOf(apiKeys);
    }
}
