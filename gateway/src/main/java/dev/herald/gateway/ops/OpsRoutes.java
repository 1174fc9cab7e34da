package dev.herald.gateway.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.RequestProcessor;
import dev.herald.gateway.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /healthz} (the process answers), {@code GET /readyz} (it accepts traffic: 503 with a reason while
 * starting or stopping, or while the journal cannot write) and {@code GET /metrics} (Prometheus text format), on the ops port.
 * Any other path goes to the {@code others} processor when there is one (the operator console and the admin calls it
 * makes, which check an API key themselves), else it is a 404.
 */
public final class OpsRoutes implements RequestProcessor {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<Optional<String>> notReady;
    private final Supplier<String> metrics;
    private final Optional<RequestProcessor> others;

    /** Routes reporting readiness from {@code ready}, without metrics. */
    public OpsRoutes(BooleanSupplier ready) {
        this(ready, () -> "");
    }

    /** Routes reporting readiness from {@code ready} and the Prometheus scrape {@code metrics} renders. */
    public OpsRoutes(BooleanSupplier ready, Supplier<String> metrics) {
        this(() -> ready.getAsBoolean() ? Optional.empty() : Optional.of("starting or stopping"), metrics);
    }

    /**
     * Routes whose readiness is {@code notReady}: empty when Herald takes traffic, else why not (starting, stopping,
     * a journal that cannot write), which {@code /readyz} answers with its 503.
     */
    public OpsRoutes(Supplier<Optional<String>> notReady, Supplier<String> metrics) {
        this(notReady, metrics, Optional.empty());
    }

    /** Routes as above, handing every other path to {@code others} when present. */
    public OpsRoutes(Supplier<Optional<String>> notReady, Supplier<String> metrics, Optional<RequestProcessor> others) {
        this.notReady = notReady;
        this.metrics = metrics;
        this.others = others;
    }

    @Override
    public CompletionStage<ApiResponse> process(ApiRequest request) {
        boolean own = switch (request.path()) {
            case "/healthz", "/readyz", "/metrics" -> true;
            default -> false;
        };
        if (!own && others.isPresent()) {
            return others.get().process(request);
        }
        ApiResponse response = switch (request.path()) {
            case "/healthz" -> request.method().equals("GET") ? status(200, "ok") : notAllowed(request);
            case "/readyz" -> !request.method().equals("GET") ? notAllowed(request)
                    : notReady.get().map(OpsRoutes::notReady).orElseGet(() -> status(200, "ready"));
            case "/metrics" -> request.method().equals("GET") ? new ApiResponse(200,
                    Map.of("Content-Type", PROMETHEUS_TEXT), metrics.get().getBytes(StandardCharsets.UTF_8))
                    : notAllowed(request);
            default -> ApiResponse.error(404, "Not Found: there is no endpoint at " + request.path(), List.of());
        };
        return CompletableFuture.completedFuture(response);
    }

    private static ApiResponse notReady(String reason) {
        ObjectNode n = Json.object();
        n.put("status", "not ready");
        n.put("reason", reason);
        return ApiResponse.json(503, n);
    }

    private static ApiResponse status(int code, String status) {
        ObjectNode n = Json.object();
        n.put("status", status);
        return ApiResponse.json(code, n);
    }

    private static ApiResponse notAllowed(ApiRequest request) {
        return ApiResponse.error(405, "Method Not Allowed: " + request.path() + " accepts GET", List.of())
                .withHeader("Allow", "GET");
    }
}
