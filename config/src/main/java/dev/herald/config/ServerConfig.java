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
 * @param idleTimeout     how long a connection may stay open without sending a request (also between keep-alive
 *                        requests); not counted while Herald is still answering a request
 * @param requestTimeout  how long a request may take to arrive, from its first byte to the end of its body (408)
 * @param maxConnections  open API connections at most; more are closed as soon as they are accepted
 * @param opsBindAddress  address the ops listener (health, metrics, the operator console) binds to; by default the
 *                        same as {@code bindAddress}, so it can be kept on loopback or a private interface alone
 * @param console         whether the ops listener serves the operator console ({@code /console/}) and the admin JSON
 *                        endpoints it calls
 */
public record ServerConfig(String bindAddress, int port, int opsPort, long maxBodyBytes, Optional<URI> publicUrl,
                           Duration shutdownTimeout, Duration idleTimeout, Duration requestTimeout,
                           int maxConnections, String opsBindAddress, boolean console) {
    /** Braze's documented payload limit. */
    public static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;
    /** Long enough for clients' keep-alive pools (most reuse within seconds), short enough to free idle sockets. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** A 4 MiB body over a slow mobile link still arrives; a stalled upload does not hold a connection forever. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Well under the usual descriptor limits, so a connection flood cannot starve the store or the ops port. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    public ServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(opsBindAddress, "opsBindAddress");
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive, were " + idleTimeout + " and "
                    + requestTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
        }
    }

    /** Listeners whose ops port binds where the API does and serves the console. */
    public ServerConfig(String bindAddress, int port, int opsPort, long maxBodyBytes, Optional<URI> publicUrl,
                        Duration shutdownTimeout, Duration idleTimeout, Duration requestTimeout, int maxConnections) {
        this(bindAddress, port, opsPort, maxBodyBytes, publicUrl, shutdownTimeout, idleTimeout, requestTimeout,
                maxConnections, bindAddress, true);
    }

    /** The same listeners with the ops port bound to {@code address}. */
    public ServerConfig withOpsBindAddress(String address) {
        return new ServerConfig(bindAddress, port, opsPort, maxBodyBytes, publicUrl, shutdownTimeout, idleTimeout,
                requestTimeout, maxConnections, address, console);
    }

    /** Listeners with the default idle and request timeouts and connection limit. */
    public ServerConfig(String bindAddress, int port, int opsPort, long maxBodyBytes, Optional<URI> publicUrl,
                        Duration shutdownTimeout) {
        this(bindAddress, port, opsPort, maxBodyBytes, publicUrl, shutdownTimeout, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    /** Defaults: 0.0.0.0:8080, ops 8081, 4 MiB bodies, 10 s shutdown, 60 s idle, 30 s per request, 10,000 connections. */
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8080, 8081, DEFAULT_MAX_BODY, Optional.empty(), Duration.ofSeconds(10));
    }
}
