package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Permissions;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.live.LiveConfig;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /herald/v1/admin/reload} (permission {@code herald.admin}): re-reads the configuration file and
 * applies what can change live (see {@link LiveConfig}). A file that does not validate is refused with 400 and
 * the message naming the bad key; the running configuration stays in force. Herald started on the embedded
 * default has no file, so there is nothing to reload (400).
 */
public final class AdminEndpoints {
    private static final Logger logger = LoggerFactory.getLogger(AdminEndpoints.class);

    private final LiveConfig live;
    private final Optional<Supplier<HeraldConfig>> source;
    private final Executor blocking;

    /**
     * @param source   reads the configuration file again (empty: Herald runs on the embedded default)
     * @param blocking where the file is read, off the event loop
     */
    public AdminEndpoints(LiveConfig live, Optional<Supplier<HeraldConfig>> source, Executor blocking) {
        this.live = live;
        this.source = source;
        this.blocking = blocking;
    }

    /** The route. */
    public Endpoint reload() {
        return new Endpoint("POST", "/herald/v1/admin/reload", Access.permission(Permissions.HERALD_ADMIN), false,
                call -> reloadNow(), null);
    }

    private CompletionStage<ApiResponse> reloadNow() {
        if (source.isEmpty()) {
            throw ApiException.badRequest("Herald runs on the embedded default configuration; there is no file to "
                    + "reload (start it with --config FILE)");
        }
        return CompletableFuture.supplyAsync(() -> apply(source.get()), blocking);
    }

    /** Reads, validates and applies the file; the answer lists what changed and what needs a restart. */
    ApiResponse apply(Supplier<HeraldConfig> read) {
        LiveConfig.Reloaded r;
        try {
            r = live.reload(read.get());
        } catch (ConfigException e) {
            throw ApiException.badRequest("configuration not reloaded: " + e.getMessage());
        }
        logger.info("configuration reloaded: applied {}; needs a restart: {}", r.applied(), r.restartRequired());
        ObjectNode body = Json.object();
        body.put("message", "success");
        r.applied().forEach(body.putArray("applied")::add);
        r.restartRequired().forEach(body.putArray("restart_required")::add);
        return ApiResponse.json(200, body);
    }

    /** Reloads outside a request (SIGHUP); failures are logged and leave the running configuration in force. */
    public void reloadQuietly() {
        source.ifPresent(s -> {
            try {
                apply(s);
            } catch (ApiException e) {
                logger.warn("{}", e.getMessage());
            } catch (RuntimeException e) {
                logger.warn("configuration not reloaded: {}", e.toString());
            }
        });
    }
}
