package dev.herald.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rate-limit response headers for a {@link Permit}, as names and values (no HTTP library involved).
 *
 * <ul>
 *   <li>{@code RateLimit-Policy} and {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers-11), one item per
 *       policy in the limit's order: {@code "hourly";q=1000;w=3600} and {@code "hourly";r=999;t=4}, where
 *       {@code w} is the period and {@code t} the time until that policy is full again, both in seconds rounded
 *       up;</li>
 *   <li>the legacy {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}
 *       (epoch seconds, rounded up) of the policy {@linkplain Permit#closestToExhaustion() closest to
 *       exhaustion}, which most client libraries still parse;</li>
 *   <li>{@code Retry-After} in seconds (at least 1), for a {@link Permit.Denied} only.</li>
 * </ul>
 */
public final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    /**
     * The headers for {@code permit}, in the order above, in an unmodifiable insertion-ordered map.
     *
     * @param now the wall-clock time of the response, for {@code X-RateLimit-Reset}
     */
    public static Map<String, String> of(Permit permit, Instant now) {
        // Built with plain loops: this runs on every API response.
        var policy = new StringBuilder(64);
        var state = new StringBuilder(64);
        for (PolicyState s : permit.states()) {
            if (!policy.isEmpty()) {
                policy.append(", ");
                state.append(", ");
            }
            String name = quoted(s.policy().name());
            policy.append(name).append(";q=").append(s.policy().capacity()).append(";w=")
                    .append(secondsUp(s.policy().period()));
            state.append(name).append(";r=").append(s.remaining()).append(";t=").append(secondsUp(s.resetAfter()));
        }
        var headers = new LinkedHashMap<String, String>(8);
        headers.put("RateLimit-Policy", policy.toString());
        headers.put("RateLimit", state.toString());
        PolicyState closest = permit.closestToExhaustion();
        headers.put("X-RateLimit-Limit", Long.toString(closest.policy().capacity()));
        headers.put("X-RateLimit-Remaining", Long.toString(closest.remaining()));
        headers.put("X-RateLimit-Reset", Long.toString(epochSecondsUp(now.plus(closest.resetAfter()))));
        switch (permit) {
            case Permit.Granted granted -> {
            }
            case Permit.Denied denied -> headers.put("Retry-After", Long.toString(denied.retryAfterSeconds()));
        }
        return Collections.unmodifiableMap(headers);
    }

    /** A structured-field string; policy names are restricted to characters that need no escaping. */
    private static String quoted(String name) {
        return '"' + name + '"';
    }

    private static long secondsUp(Duration d) {
        return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    }

    private static long epochSecondsUp(Instant instant) {
        return instant.getEpochSecond() + (instant.getNano() > 0 ? 1 : 0);
    }
}
