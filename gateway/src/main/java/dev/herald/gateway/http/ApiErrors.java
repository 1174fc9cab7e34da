package dev.herald.gateway.http;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a failure during request handling into an HTTP response: an {@link ApiException} is
 * its own answer, a failure a lower layer knows (a store that cannot write) is answered by the
 * {@link FailureMapping} the pipeline was given, and anything else is a logged 500.
 */
public final class ApiErrors {
    private static final Logger logger = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    /** The response for a failure, with no lower-layer mapping. */
    public static ApiResponse toResponse(Throwable failure) {
        return toResponse(failure, FailureMapping.NONE);
    }

    /** The response for a failure. Unexpected failures are logged here and nowhere else. */
    public static ApiResponse toResponse(Throwable failure, FailureMapping mapping) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiException e) {
            return ApiResponse.error(e.status(), e.getMessage(), e.errors()).withHeaders(e.headers());
        }
        Optional<ApiResponse> mapped = mapping.map(t);
        if (mapped.isPresent()) {
            return mapped.get();
        }
        logger.error("unexpected failure handling a request", t);
        return ApiResponse.error(500, "Internal Server Error", List.of());
    }

    /** The failure inside completion and execution wrappers. */
    public static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }
}
