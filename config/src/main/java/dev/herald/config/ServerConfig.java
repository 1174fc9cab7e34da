package dev.herald.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP listeners.
 *
 * @param bindAddress     address both listeners bind to
 * @param port            API port (0 = any free port)
 * @param opsPort         health and metrics port (0 = any free port)
 * @param maxBodyBytes    largest request body accepted; larger bodies get 413
 * @param publicUrl       the URL providers use to call Herald back (Twilio status callbacks)
 * @param shutdownTimeout how long a graceful stop waits for in-flight requests and sends
 */
public record ServerConfig(String bindAddress, int port, int opsPort, long maxBodyBytes, Optional<URI> publicUrl,
                           Duration shutdownTimeout) {
    /** Braze's documented payload limit. */
    public static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;

    public ServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
    }

    /** Defaults: 0.0.0.0:8080, ops 8081, 4 MiB bodies, 10 s shutdown. */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8080, 8081, DEFAULT_MAX_BODY, Optional.empty(), Duration.ofSeconds(10));
    }
}
