package dev.herald.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration file. Built by {@link ConfigLoader}; every part is validated and immutable.
 * Modules receive their slice ({@link #webhook()}, {@link #store()}, ...), never this record.
 */
public record HeraldConfig(ServerConfig server, StoreConfig store, WebhookConfig webhook, DeliveryConfig delivery,
                           List<WorkspaceConfig> workspaces) {
    public HeraldConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(delivery, "delivery");
        workspaces = List.copyOf(workspaces);
    }

    /** The workspace with this id, if configured. */
    public Optional<WorkspaceConfig> workspace(String id) {
        return workspaces.stream().filter(w -> w.id().equals(id)).findFirst();
    }

    /**
     * The embedded default used when Herald starts without a file: SQLite under {@code ./data}, one sandbox
     * workspace named {@code default} whose single key may call every endpoint.
     */
    public static HeraldConfig embeddedDefault(String keySha256) {
        var key = new ApiKeyConfig("default", keySha256, Permissions.KNOWN);
        var workspace = new WorkspaceConfig("default", true, List.of(key));
        return new HeraldConfig(ServerConfig.defaults(), StoreConfig.defaults(), WebhookConfig.defaults(),
                DeliveryConfig.defaults(), List.of(workspace));
    }
}
