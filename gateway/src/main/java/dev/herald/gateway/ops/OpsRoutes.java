package dev.herald.gateway.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Json;
import dev.herald.gateway.http.RequestProcessor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /healthz} (the process answers) and {@code GET /readyz} (it accepts traffic: 503 while starting
 * or stopping), on the ops port.
 */
public final class OpsRoutes implements RequestProcessor {
    private final BooleanSupplier ready;

    /** Routes reporting readiness from {@code ready}. */
    public OpsRoutes(BooleanSupplier ready) {
        this.ready = ready;
    }

    @Override
    public CompletionStage<ApiResponse> process(ApiRequest request) {
        ApiResponse response = switch (request.path()) {
            case "/healthz" -> request.method().equals("GET") ? status(200, "ok") : notAllowed(request);
            case "/readyz" -> !request.method().equals("GET") ? notAllowed(request)
                    : ready.getAsBoolean() ? status(200, "ready") : status(503, "not ready");
            default -> ApiResponse.error(404, "Not Found: there is no endpoint at " + request.path(), List.of());
        };
        return CompletableFuture.completedFuture(response);
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
