package dev.herald.gateway.http;

import dev.herald.gateway.http.ApiResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The ingress limit step: decides whether an authenticated, permitted call may proceed, and decorates its
 * response (rate-limit headers). A refusal completes with an {@code ApiException} (429).
 */
@FunctionalInterface
public interface IngressGate {

    /** What an admitted call carries to its response. */
    @FunctionalInterface
    interface Admitted {
        /** Adds headers to the endpoint's response (and to its error responses). */
        CompletionStage<ApiResponse> decorate(CompletionStage<ApiResponse> response);
    }

    /** Admits or refuses a call. Never blocks. */
    CompletionStage<Admitted> admit(Endpoint endpoint, ApiCall call);

    /** No limits. */
    static IngressGate open() {
        Admitted passThrough = response -> response;
        CompletableFuture<Admitted> admitted = CompletableFuture.completedFuture(passThrough);
        return (endpoint, call) -> admitted;
    }
}
