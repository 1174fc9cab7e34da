package dev.herald.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The webhook channel.
 *
 * @param allowPrivateNetworks let webhooks reach loopback, private, link-local and metadata addresses;
 *                             false by default so a tenant cannot aim Herald at the internal network (SSRF)
 * @param connectTimeout       TCP connect timeout
 * @param responseTimeout      time allowed for the target's response
 * @param maxConnections       connection pool size across all hosts
 * @param maxInFlightPerHost   a workspace's webhooks in flight at once to one host (and port): enough for a fast
 *                             host, few enough not to flood a slow one
 * @param maxInFlightByHost    the same for named hosts ({@code host} or {@code host:port}, lower case), e.g. an
 *                             internal ingestion service that takes far more than a customer's endpoint
 */
public record WebhookConfig(boolean allowPrivateNetworks, Duration connectTimeout, Duration responseTimeout,
                            int maxConnections, int maxInFlightPerHost, Map<String, Integer> maxInFlightByHost) {
    /** Webhooks in flight per workspace and host unless configured. */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_HOST = 32;

    public WebhookConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
        }
        if (maxInFlightPerHost < 1) {
            throw new IllegalArgumentException("maxInFlightPerHost must be positive, was " + maxInFlightPerHost);
        }
        maxInFlightByHost = Map.copyOf(maxInFlightByHost);
        maxInFlightByHost.forEach((host, n) -> {
            if (n < 1 || !host.equals(host.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("maxInFlightByHost: " + host + " -> " + n
                        + " (hosts in lower case, limits positive)");
            }
        });
    }

    /** A webhook channel with the default in-flight limits per host. */
    public WebhookConfig(boolean allowPrivateNetworks, Duration connectTimeout, Duration responseTimeout,
                         int maxConnections) {
        this(allowPrivateNetworks, connectTimeout, responseTimeout, maxConnections, DEFAULT_MAX_IN_FLIGHT_PER_HOST,
                Map.of());
    }

    /** Private networks refused, 5 s connect, 30 s response, 256 connections, 32 in flight per host. */
    public static WebhookConfig defaults() {
        return new WebhookConfig(false, Duration.ofSeconds(5), Duration.ofSeconds(30), 256);
    }

    /**
     * How many webhooks one workspace may have in flight to {@code host} on {@code port}: the limit named for
     * {@code host:port}, else for {@code host}, else {@link #maxInFlightPerHost}.
     */
    public int maxInFlight(String host, int port) {
        Integer named = maxInFlightByHost.get(host + ":" + port);
        if (named == null) {
            named = maxInFlightByHost.get(host);
        }
        return named != null ? named : maxInFlightPerHost;
    }
}
