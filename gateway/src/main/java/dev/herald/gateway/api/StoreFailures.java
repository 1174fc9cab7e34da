package dev.herald.gateway.api;

import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.FailureMapping;
import dev.herald.gateway.store.StoreOverloadedException;
import dev.herald.gateway.store.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The store's failures as HTTP answers: a full write queue or a write that could not be made durable are 503s. */
public final class StoreFailures implements FailureMapping {
    @Override
    public Optional<ApiResponse> map(Throwable failure) {
        return switch (failure) {
            case StoreOverloadedException e -> Optional.of(ApiResponse.error(503,
                    "Herald is overloaded: too many requests are waiting to be stored; retry shortly", List.of())
                    .withHeaders(Map.of("Retry-After", "1")));
            case StoreUnavailableException e -> Optional.of(ApiResponse.error(503,
                    "The request could not be stored durably and was not accepted; retry shortly", List.of())
                    .withHeaders(Map.of("Retry-After", "1")));
            default -> Optional.empty();
        };
    }
}
