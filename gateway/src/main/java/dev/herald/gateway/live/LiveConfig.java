package dev.herald.gateway.live;

import dev.herald.config.HeraldConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration Herald runs with now. A reload swaps it whole, so a request or a delivery sees one
 * consistent version: API keys, limits, campaigns, Canvases and event settings change live; listeners, the
 * store, the scheduler's settings and channel credentials (which own connections) need a restart, and a reload
 * reports them instead of half-applying them: the running values stay in force until the restart (a new
 * workspace sends webhooks only until then).
 */
public final class LiveConfig {
    /** One consistent version. */
    public record Snapshot(HeraldConfig config, Map<String, WorkspaceConfig> workspaces, Campaigns campaigns,
                           ApiKeyAuthenticator authenticator) {
    }

    /** What a reload changed and what it could not. */
    public record Reloaded(List<String> applied, List<String> restartRequired) {
    }

    private volatile Snapshot current;
    private final List<java.util.function.Consumer<HeraldConfig>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Starts with {@code config}, validated. */
    public LiveConfig(HeraldConfig config) {
        this.current = snapshot(config);
    }

    private static Snapshot snapshot(HeraldConfig config) {
        Map<String, WorkspaceConfig> byId = new LinkedHashMap<>();
        config.workspaces().forEach(w -> byId.put(w.id(), w));
        return new Snapshot(config, Map.copyOf(byId), Campaigns.compile(config),
                new ApiKeyAuthenticator(config.workspaces()));
    }

    /** Calls {@code listener} with every configuration a reload makes current (parts outside the snapshot). */
    public void onReload(java.util.function.Consumer<HeraldConfig> listener) {
        listeners.add(listener);
    }

    /** The version in force. */
    public Snapshot current() {
        return current;
    }

    /** A workspace as configured now. */
    public Optional<WorkspaceConfig> workspace(String id) {
        return Optional.ofNullable(current.workspaces().get(id));
    }

    /**
     * Validates {@code next} and makes it current. A {@link dev.herald.config.ConfigException} leaves the running
     * version in place.
     */
    public synchronized Reloaded reload(HeraldConfig next) {
        Snapshot validated = snapshot(next);
        HeraldConfig now = current.config();
        List<String> restart = new ArrayList<>();
        for (String section : List.of("server", "store", "webhook", "delivery", "ratelimit", "log")) {
            if (!Objects.equals(part(now, section), part(next, section))) {
                restart.add(section);
            }
        }
        List<String> applied = new ArrayList<>();
        List<WorkspaceConfig> effective = new ArrayList<>();
        for (WorkspaceConfig ws : next.workspaces()) {
            WorkspaceConfig old = current.workspaces().get(ws.id());
            if (old == null) {
                applied.add("workspaces[" + ws.id() + "] added");
                boolean channels = ws.email().isPresent() || ws.sms().isPresent() || !ws.apps().isEmpty();
                if (!ws.sandbox() && channels) {
                    restart.add("workspaces[" + ws.id() + "] email, sms and apps");
                }
                // Its senders do not exist until a restart: until then it sends webhooks only.
                effective.add(ws.sandbox() ? ws : withChannels(ws, false, List.of(), Optional.empty(), Optional.empty()));
                continue;
            }
            if (old.sandbox() != ws.sandbox() || !old.email().equals(ws.email()) || !old.sms().equals(ws.sms())
                    || !old.apps().equals(ws.apps())) {
                restart.add("workspaces[" + ws.id() + "] sandbox, email, sms or apps");
            }
            WorkspaceConfig kept = withChannels(ws, old.sandbox(), old.apps(), old.email(), old.sms());
            if (!old.equals(kept)) {
                applied.add("workspaces[" + ws.id() + "]");
            }
            effective.add(kept);
        }
        current.workspaces().keySet().stream().filter(id -> next.workspaces().stream().noneMatch(w -> w.id().equals(id)))
                .forEach(id -> applied.add("workspaces[" + id + "] removed"));
        // What owns connections and threads stays as it runs: the new values are reported, never half-applied.
        HeraldConfig running = new HeraldConfig(now.server(), now.store(), now.webhook(), now.delivery(),
                now.ratelimit(), effective, now.log());
        Map<String, WorkspaceConfig> byId = new LinkedHashMap<>();
        effective.forEach(w -> byId.put(w.id(), w));
        current = new Snapshot(running, Map.copyOf(byId), validated.campaigns(), new ApiKeyAuthenticator(effective));
        listeners.forEach(l -> l.accept(running));
        return new Reloaded(List.copyOf(applied), List.copyOf(restart));
    }

    private static WorkspaceConfig withChannels(WorkspaceConfig ws, boolean sandbox, List<dev.herald.config.AppConfig> apps,
                                                Optional<dev.herald.config.EmailConfig> email,
                                                Optional<dev.herald.config.SmsConfig> sms) {
        return new WorkspaceConfig(ws.id(), sandbox, ws.apiKeys(), ws.limits(), apps, email, sms, ws.campaigns(),
                ws.canvases(), ws.events());
    }

    private static Object part(HeraldConfig c, String section) {
        return switch (section) {
            case "server" -> c.server();
            case "store" -> c.store();
            case "webhook" -> c.webhook();
            case "delivery" -> c.delivery();
            case "log" -> c.log();
            default -> c.ratelimit();
        };
    }
}
