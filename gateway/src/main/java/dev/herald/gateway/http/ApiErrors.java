package dev.herald.gateway.http;

import dev.herald.gateway.store.StoreOverloadedException;
import dev.herald.gateway.store.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns a failure during request handling into an HTTP response. */
public final class ApiErrors {
    private static final Logger logger = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    /** The response for a failure. Unexpected failures are logged here and nowhere else. */
    public static ApiResponse toResponse(Throwable failure) {
        Throwable t = unwrap(failure);
        return switch (t) {
            case ApiException e -> ApiResponse.error(e.status(), e.getMessage(), e.errors()).withHeaders(e.headers());
            case StoreOverloadedException e -> ApiResponse.error(503,
                    "Herald is overloaded: too many requests are waiting to be stored; retry shortly", List.of())
                    .withHeaders(Map.of("Retry-After", "1"));
            case StoreUnavailableException e -> ApiResponse.error(503,
                    "The request could not be stored durably and was not accepted; retry shortly", List.of())
                    .withHeaders(Map.of("Retry-After", "1"));
            default -> {
                logger.error("unexpected failure handling a request", t);
                yield ApiResponse.error(500, "Internal Server Error", List.of());
            }
        };
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
