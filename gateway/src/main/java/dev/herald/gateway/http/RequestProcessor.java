package dev.herald.gateway.http;

import java.util.concurrent.CompletionStage;

/**
 * Answers requests for one listener. Called on a Netty event loop: it must not block; long work completes
 * the returned stage later from any thread.
 */
@FunctionalInterface
public interface RequestProcessor {
    /** The response to {@code request}; a failed stage becomes an error response via {@link ApiErrors}. */
    CompletionStage<ApiResponse> process(ApiRequest request);
}
