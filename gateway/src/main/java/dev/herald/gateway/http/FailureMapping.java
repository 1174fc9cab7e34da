package dev.herald.gateway.http;

import java.util.Optional;

/**
 * Answers failures that a layer below HTTP raises and that have a proper status (a store that is full or cannot
 * write: 503 with {@code Retry-After}), so this package never imports that layer.
 */
@FunctionalInterface
public interface FailureMapping {
    /** Maps nothing: every unknown failure is a 500. */
    FailureMapping NONE = failure -> Optional.empty();

    /** The response for {@code failure} (already unwrapped), or empty when this mapping does not know it. */
    Optional<ApiResponse> map(Throwable failure);
}
