package dev.herald.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One SMTP relay a workspace sends email through.
 *
 * @param host           relay host
 * @param port           relay port (587 submission, 465 implicit TLS, 25 relay)
 * @param starttls       STARTTLS policy
 * @param implicitTls    TLS from the first byte (port 465); excludes STARTTLS
 * @param username       SMTP AUTH user, if the relay needs one
 * @param password       SMTP AUTH password
 * @param finalHop       true when the relay delivers to mailboxes itself, so its 250 is evidence of delivery
 * @param pool           connections kept open to the relay and reused
 * @param connectTimeout TCP connect timeout
 * @param readTimeout    timeout for each SMTP reply (also used for writes)
 */
public record SmtpConfig(String host, int port, TlsMode starttls, boolean implicitTls, Optional<String> username,
                         Optional<Secret> password, boolean finalHop, int pool, Duration connectTimeout,
                         Duration readTimeout) {
    public SmtpConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(starttls, "starttls");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        if (pool < 1) {
            throw new IllegalArgumentException("pool must be positive, was " + pool);
        }
    }

    /** A relay identified for egress keys and logs: {@code host:port}. */
    public String relay() {
        return host + ":" + port;
    }
}
