package dev.herald.config;

/**
 * A workspace's ingress rate limits (defaults from Braze, braze-api.md §1.5).
 *
 * @param hourly                 requests per hour shared by the general class
 * @param burstPerSecond         requests per second of the general class
 * @param usersTrackPer3s        {@code /users/track} requests per 3 seconds
 * @param broadcastPerMinute     broadcast messaging calls per minute
 * @param transactionalPerSecond transactional sends per second (no hourly limit, as at Braze)
 * @param subscriptionPerMinute  {@code /subscription/status/set} and {@code /v2/subscription/status/set} requests
 *                               per minute, shared by both (Braze: 5,000)
 */
public record LimitsConfig(long hourly, long burstPerSecond, long usersTrackPer3s, long broadcastPerMinute,
                           long transactionalPerSecond, long subscriptionPerMinute) {
    /** Braze's documented limit of the subscription-state writes. */
    public static final long SUBSCRIPTION_PER_MINUTE = 5_000;

    public LimitsConfig {
        positive("hourly", hourly);
        positive("burstPerSecond", burstPerSecond);
        positive("usersTrackPer3s", usersTrackPer3s);
        positive("broadcastPerMinute", broadcastPerMinute);
        positive("transactionalPerSecond", transactionalPerSecond);
        positive("subscriptionPerMinute", subscriptionPerMinute);
    }

    /** The limits with Braze's subscription-state write limit. */
    public LimitsConfig(long hourly, long burstPerSecond, long usersTrackPer3s, long broadcastPerMinute,
                        long transactionalPerSecond) {
        this(hourly, burstPerSecond, usersTrackPer3s, broadcastPerMinute, transactionalPerSecond,
                SUBSCRIPTION_PER_MINUTE);
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + v);
        }
    }

    /**
     * Braze's defaults: 250,000/hour with a 1,000/s burst; 3,000 per 3 s; 250/min; 1,000/s transactional;
     * 5,000/min subscription-state writes.
     */
    public static LimitsConfig defaults() {
        return new LimitsConfig(250_000, 1_000, 3_000, 250, 1_000, SUBSCRIPTION_PER_MINUTE);
    }
}
