package dev.herald.gateway.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Permissions;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code GET /herald/v1/admin/config} (permission {@code herald.admin}): the configuration in force (after the last
 * reload) as {@link ConfigView} shows it: the shared sections and the caller's workspace with its campaigns and
 * Canvases, secrets only as set or unset. {@code reloadable} says whether Herald was started from a file that
 * {@code POST /herald/v1/admin/reload} can read again.
 */
public final class ConfigEndpoint {
    private final Supplier<HeraldConfig> current;
    private final boolean reloadable;

    /** The endpoint over the configuration in force. */
    public ConfigEndpoint(Supplier<HeraldConfig> current, boolean reloadable) {
        this.current = current;
        this.reloadable = reloadable;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.get("/herald/v1/admin/config", Access.permission(Permissions.HERALD_ADMIN), this::handle);
    }

    private CompletionStage<ApiResponse> handle(ApiCall call) {
        ObjectNode out = Json.object();
        out.put("message", "success");
        out.put("reloadable", reloadable);
        out.set("config", ConfigView.of(current.get(), call.principal().workspace()));
        return CompletableFuture.completedFuture(ApiResponse.json(200, out));
    }
}
