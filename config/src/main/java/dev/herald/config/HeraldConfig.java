package dev.herald.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration file. Built by {@link ConfigLoader}; every part is validated and immutable.
 * Modules receive their slice ({@link #webhook()}, {@link #store()}, ...), never this record.
 */
public record HeraldConfig(ServerConfig server, StoreConfig store, WebhookConfig webhook, DeliveryConfig delivery,
                           RateLimitConfig ratelimit, List<WorkspaceConfig> workspaces, LogConfig log) {
    public HeraldConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(ratelimit, "ratelimit");
        workspaces = List.copyOf(workspaces);
        Objects.requireNonNull(log, "log");
    }

    /** The workspace with this id, if configured. */
    public Optional<WorkspaceConfig> workspace(String id) {
        return workspaces.stream().filter(w -> w.id().equals(id)).findFirst();
    }

    /**
     * The embedded default used when Herald starts without a file: SQLite under {@code ./data}, one sandbox
     * workspace named {@code default} (with an {@code ios} and an {@code android} app) whose single key may
     * call every endpoint.
     */
    public static HeraldConfig embeddedDefault(String keySha256) {
        var key = new ApiKeyConfig("default", keySha256, Permissions.KNOWN);
        var apps = List.of(new AppConfig("ios", AppConfig.Platform.IOS, Optional.empty(), Optional.empty()),
                new AppConfig("android", AppConfig.Platform.ANDROID, Optional.empty(), Optional.empty()));
        var workspace = new WorkspaceConfig("default", true, List.of(key), LimitsConfig.defaults(), apps,
                Optional.empty(), Optional.empty(), List.of(), List.of(), EventsConfig.none());
        // The ops port serves the operator console and admin calls: on a developer's machine, to this machine only.
        return new HeraldConfig(ServerConfig.defaults().withOpsBindAddress("127.0.0.1"), StoreConfig.defaults(), WebhookConfig.defaults(),
                DeliveryConfig.defaults(), RateLimitConfig.defaults(), List.of(workspace), LogConfig.defaults());
    }
}
