package dev.herald.gateway.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a listener's connections may idle or take to send a request, and how many may be open at once.
 *
 * @param idleTimeout    a connection with no request arriving and no answer pending is closed after this long
 * @param requestTimeout a request must arrive whole (head and body) within this long of its first byte, else 408
 * @param maxConnections connections accepted beyond this many are closed at once
 */
public record ConnectionLimits(Duration idleTimeout, Duration requestTimeout, int maxConnections) {
    public ConnectionLimits {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (!idleTimeout.isPositive() || !requestTimeout.isPositive() || maxConnections < 1) {
            throw new IllegalArgumentException("limits must be positive: " + idleTimeout + ", " + requestTimeout
                    + ", " + maxConnections);
        }
    }
}
