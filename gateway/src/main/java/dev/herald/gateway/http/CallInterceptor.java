package dev.herald.gateway.http;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A step around an endpoint's handler, after authentication and the ingress limit (idempotency keys: answer a
 * replay from the store, or run the handler once).
 */
@FunctionalInterface
public interface CallInterceptor {
    /** Runs nothing around the handler. */
    CallInterceptor NONE = (call, handler) -> handler.apply(call);

    /** The response to {@code call}, produced by {@code handler} or by the interceptor itself. */
    CompletionStage<ApiResponse> around(ApiCall call, Function<ApiCall, CompletionStage<ApiResponse>> handler);
}
