package dev.herald.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where rate-limit state lives.
 *
 * @param backend        local buckets (one node) or Redis (shared by every node)
 * @param uri            the Redis URI ({@code redis://host:port}) for the Redis backend
 * @param nodes          how many Herald nodes share the limits; a node that cannot reach Redis falls back
 *                       to a local bucket of limit ÷ nodes
 * @param requestTimeout how long a Redis decision may take before the node falls back to local
 * @param enabled        false turns ingress limits (and their response headers) off, e.g. to measure their cost
 */
public record RateLimitConfig(Backend backend, Optional<URI> uri, int nodes, Duration requestTimeout,
                              boolean enabled) {

    /** Rate-limit state stores. */
    public enum Backend {
        /** In this process. */
        LOCAL,
        /** In Redis, shared by all nodes. */
        REDIS
    }

    public RateLimitConfig {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be positive, was " + nodes);
        }
        if (backend == Backend.REDIS && uri.isEmpty()) {
            throw new IllegalArgumentException("the redis backend needs a uri");
        }
    }

    /** An enabled limit. */
    public RateLimitConfig(Backend backend, Optional<URI> uri, int nodes, Duration requestTimeout) {
        this(backend, uri, nodes, requestTimeout, true);
    }

    /** Local buckets. */
    public static RateLimitConfig defaults() {
        return new RateLimitConfig(Backend.LOCAL, Optional.empty(), 1, Duration.ofMillis(20));
    }
}
