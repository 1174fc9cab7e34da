package dev.herald.gateway.console;

import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.RequestProcessor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the ops port serves besides health and metrics: the console's files under {@code /console}, and under
 * {@code /herald/v1/} the admin JSON calls the page makes. Those go through an API pipeline of their own (the API
 * port's authenticator, permission check and handlers), so the page's calls are same-origin and need no CORS.
 */
public final class ConsoleRoutes implements RequestProcessor {
    private final ConsoleAssets assets;
    private final RequestProcessor admin;

    /** Routes to {@code assets} and to the {@code admin} pipeline. */
    public ConsoleRoutes(ConsoleAssets assets, RequestProcessor admin) {
        this.assets = assets;
        this.admin = admin;
    }

    @Override
    public CompletionStage<ApiResponse> process(ApiRequest request) {
        String path = request.path();
        if (path.equals(ConsoleAssets.ROOT) || path.startsWith(ConsoleAssets.ROOT + "/")) {
            return assets.process(request);
        }
        if (path.startsWith("/herald/v1/")) {
            return admin.process(request).thenApply(ConsoleAssets::secured);
        }
        return CompletableFuture.completedFuture(ApiResponse.error(404, "Not Found: there is no endpoint at " + path,
                List.of()));
    }
}
