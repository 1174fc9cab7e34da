package dev.herald.config;

/**
 * A workspace's ingress rate limits (defaults from Braze, braze-api.md §1.5).
 *
 * @param hourly                 requests per hour shared by the general class
 * @param burstPerSecond         requests per second of the general class
 * @param usersTrackPer3s        {@code /users/track} requests per 3 seconds
 * @param broadcastPerMinute     broadcast messaging calls per minute
 * @param transactionalPerSecond transactional sends per second (no hourly limit, as at Braze)
 */
public record LimitsConfig(long hourly, long burstPerSecond, long usersTrackPer3s, long broadcastPerMinute,
                           long transactionalPerSecond) {
    public LimitsConfig {
        positive("hourly", hourly);
        positive("burstPerSecond", burstPerSecond);
        positive("usersTrackPer3s", usersTrackPer3s);
        positive("broadcastPerMinute", broadcastPerMinute);
        positive("transactionalPerSecond", transactionalPerSecond);
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + v);
        }
    }

    /** Braze's defaults: 250,000/hour with a 1,000/s burst; 3,000 per 3 s; 250/min; 1,000/s transactional. */
    public static LimitsConfig defaults() {
        return new LimitsConfig(250_000, 1_000, 3_000, 250, 1_000);
    }
}
