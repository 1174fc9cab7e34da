package dev.herald.channel.apns;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of one {@link ApnsSender} that are not configuration: flow control, Pushy's connection settings and
 * the clock. Production uses {@link #defaults(int, Clock)}; tests vary single fields.
 *
 * @param maxInFlight    notifications outstanding at APNs at once
 * @param maxWaiting     sends queued for a permit before further sends answer {@code Retry} at once
 * @param connections    HTTP/2 connections per client (APNs allows ~1000 streams on each)
 * @param connectTimeout TCP + TLS connect timeout
 * @param replyDeadline  how long a send may take, queueing included, before it answers {@code Retry}
 * @param clock          for the default {@code apns-expiration} and the expiry check
 */
record ApnsTuning(int maxInFlight, int maxWaiting, int connections, Duration connectTimeout, Duration replyDeadline,
                  Clock clock) {
    ApnsTuning {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("maxWaiting must not be negative, was " + maxWaiting);
        }
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, was " + connections);
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(replyDeadline, "replyDeadline");
        Objects.requireNonNull(clock, "clock");
    }

    /** One connection, a waiting queue four times the in-flight bound, 10 s to connect, 30 s per send. */
    static ApnsTuning defaults(int maxInFlight, Clock clock) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        return new ApnsTuning(maxInFlight, Math.multiplyExact(maxInFlight, 4), 1, Duration.ofSeconds(10),
                Duration.ofSeconds(30), clock);
    }

    ApnsTuning withMaxWaiting(int v) {
        return new ApnsTuning(maxInFlight, v, connections, connectTimeout, replyDeadline, clock);
    }

    ApnsTuning withReplyDeadline(Duration v) {
        return new ApnsTuning(maxInFlight, maxWaiting, connections, connectTimeout, v, clock);
    }
}
