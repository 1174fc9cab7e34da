package dev.herald.gateway.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.LimitsConfig;
import dev.herald.gateway.http.Endpoint;
import dev.herald.ratelimit.Limit;
import dev.herald.ratelimit.Policy;
import java.time.Duration;
import java.util.Locale;

/**
 * The ingress rate-limit classes of DESIGN §3, each limited per workspace by its own bucket. A request is
 * classified by its route and, for messaging calls, by whether its body targets a segment or audience.
 */
public enum RateClass {
    /** Everything not below: {@code hourly} and {@code burst_per_second}. */
    GENERAL,
    /** {@code POST /users/track}: {@code users_track_per_3s}. */
    USERS_TRACK,
    /** Messaging calls with {@code broadcast}, {@code segment_id} or {@code audience}: {@code broadcast_per_minute}. */
    BROADCAST,
    /** {@code /transactional/v1/...}: {@code transactional_per_second} only (no hourly limit, as at Braze). */
    TRANSACTIONAL,
    /**
     * {@code POST /subscription/status/set} and {@code /v2/subscription/status/set}: {@code subscription_per_minute},
     * one bucket for both (Braze: 5,000 per minute shared).
     */
    SUBSCRIPTION,
    /** {@code POST /users/export/ids}: {@code users_export_per_minute} (Braze: 250 per minute). */
    USERS_EXPORT,
    /**
     * {@code POST /users/delete}, {@code /users/alias/new}, {@code /users/alias/update}, {@code /users/identify} and
     * {@code /users/merge}: {@code users_identity_per_minute}, one bucket for all five (Braze: 20,000 per minute
     * shared).
     */
    USERS_IDENTITY,
    /**
     * {@code POST /users/external_ids/rename} and {@code /users/external_ids/remove}: {@code external_ids_per_minute},
     * one bucket for both (Braze documents 1,000 per minute on one shared page for the two).
     */
    EXTERNAL_IDS;

    private static final java.util.Set<String> IDENTITY_PATHS = java.util.Set.of("/users/delete", "/users/alias/new",
            "/users/alias/update", "/users/identify", "/users/merge");

    /** The name in metrics and Redis keys. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The class of a call to {@code endpoint} with this decoded {@code body}. */
    public static RateClass of(Endpoint endpoint, JsonNode body) {
        String pattern = endpoint.pattern();
        if (pattern.startsWith("/transactional/v1/")) {
            return TRANSACTIONAL;
        }
        if (pattern.equals("/users/track")) {
            return USERS_TRACK;
        }
        if (pattern.equals("/subscription/status/set") || pattern.equals("/v2/subscription/status/set")) {
            return SUBSCRIPTION;
        }
        if (pattern.equals("/users/export/ids")) {
            return USERS_EXPORT;
        }
        if (IDENTITY_PATHS.contains(pattern)) {
            return USERS_IDENTITY;
        }
        if (pattern.startsWith("/users/external_ids/")) {
            return EXTERNAL_IDS;
        }
        if (isMessaging(pattern) && isBroadcast(body)) {
            return BROADCAST;
        }
        return GENERAL;
    }

    /** This class's limit under a workspace's {@code limits}; policy names appear in the response headers. */
    public Limit limit(LimitsConfig limits) {
        return switch (this) {
            case GENERAL -> Limit.of(Policy.perHour("hourly", limits.hourly()),
                    Policy.perSecond("burst", limits.burstPerSecond()));
            case USERS_TRACK -> Limit.of(new Policy("users_track", limits.usersTrackPer3s(), Duration.ofSeconds(3)));
            case BROADCAST -> Limit.of(new Policy("broadcast", limits.broadcastPerMinute(), Duration.ofMinutes(1)));
            case TRANSACTIONAL -> Limit.of(Policy.perSecond("transactional", limits.transactionalPerSecond()));
            case SUBSCRIPTION -> Limit.of(new Policy("subscription", limits.subscriptionPerMinute(),
                    Duration.ofMinutes(1)));
            case USERS_EXPORT -> Limit.of(new Policy("users_export", limits.usersExportPerMinute(),
                    Duration.ofMinutes(1)));
            case USERS_IDENTITY -> Limit.of(new Policy("users_identity", limits.usersIdentityPerMinute(),
                    Duration.ofMinutes(1)));
            case EXTERNAL_IDS -> Limit.of(new Policy("external_ids", limits.externalIdsPerMinute(),
                    Duration.ofMinutes(1)));
        };
    }

    /** Braze's messaging endpoints, where a segment or audience target is limited as a broadcast. */
    private static boolean isMessaging(String pattern) {
        return pattern.startsWith("/messages/") || pattern.startsWith("/campaigns/trigger/")
                || pattern.startsWith("/canvas/trigger/");
    }

    /** Read tolerantly: validation (with its 400s) comes after the limit, so nothing here may throw. */
    private static boolean isBroadcast(JsonNode body) {
        JsonNode broadcast = body.path("broadcast");
        boolean flagged = broadcast.isBoolean() ? broadcast.booleanValue()
                : broadcast.isTextual() && broadcast.asText().trim().equalsIgnoreCase("true");
        return flagged || body.hasNonNull("segment_id") || body.hasNonNull("audience");
    }
}
