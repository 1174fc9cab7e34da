package dev.herald.gateway.openapi;

import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /herald/v1/openapi.json}: the API's OpenAPI 3.1 description, to anyone, without a key. It describes
 * paths and schemas only, the same for every deployment, so it reveals nothing of a workspace.
 */
public final class OpenApiEndpoint {
    /** Where the document is served. */
    public static final String PATH = "/herald/v1/openapi.json";

    private final ApiResponse answer;

    /** Serves {@code document}; its JSON is made once, here. */
    public OpenApiEndpoint(OpenApiDocument document) {
        this.answer = new ApiResponse(200, Map.of(), document.json());
    }

    /** The route. */
    public Endpoint endpoint() {
        CompletableFuture<ApiResponse> done = CompletableFuture.completedFuture(answer);
        return Endpoint.publicGet(PATH, (request, params) -> done);
    }
}
