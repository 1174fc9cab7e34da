package dev.herald.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The webhook channel.
 *
 * @param allowPrivateNetworks let webhooks reach loopback, private, link-local and metadata addresses;
 *                             false by default so a tenant cannot aim Herald at the internal network (SSRF)
 * @param connectTimeout       TCP connect timeout
 * @param responseTimeout      time allowed for the target's response
 * @param maxConnections       connection pool size across all hosts
 */
public record WebhookConfig(boolean allowPrivateNetworks, Duration connectTimeout, Duration responseTimeout,
                            int maxConnections) {
    public WebhookConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
        }
    }

    /** Private networks refused, 5 s connect, 30 s response, 256 connections. */
    public static WebhookConfig defaults() {
        return new WebhookConfig(false, Duration.ofSeconds(5), Duration.ofSeconds(30), 256);
    }
}
