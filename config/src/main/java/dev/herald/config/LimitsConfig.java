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
 * @param usersExportPerMinute   {@code /users/export/ids} requests per minute (Braze: 250)
 * @param usersIdentityPerMinute {@code /users/delete}, {@code /users/alias/new}, {@code /users/alias/update},
 *                               {@code /users/identify} and {@code /users/merge} requests per minute, shared by all
 *                               five (Braze: 20,000)
 * @param externalIdsPerMinute   {@code /users/external_ids/rename} and {@code /remove} requests per minute (Braze:
 *                               1,000)
 */
public record LimitsConfig(long hourly, long burstPerSecond, long usersTrackPer3s, long broadcastPerMinute,
                           long transactionalPerSecond, long subscriptionPerMinute, long usersExportPerMinute,
                           long usersIdentityPerMinute, long externalIdsPerMinute) {
    /** Braze's documented limit of the subscription-state writes. */
    public static final long SUBSCRIPTION_PER_MINUTE = 5_000;
    /** Braze's documented limit of {@code /users/export/ids} (workspaces onboarded since August 2024). */
    public static final long USERS_EXPORT_PER_MINUTE = 250;
    /** Braze's documented limit shared by the identity endpoints (delete, alias new/update, identify, merge). */
    public static final long USERS_IDENTITY_PER_MINUTE = 20_000;
    /** Braze's documented limit of the external id migration endpoints. */
    public static final long EXTERNAL_IDS_PER_MINUTE = 1_000;

    public LimitsConfig {
        positive("hourly", hourly);
        positive("burstPerSecond", burstPerSecond);
        positive("usersTrackPer3s", usersTrackPer3s);
        positive("broadcastPerMinute", broadcastPerMinute);
        positive("transactionalPerSecond", transactionalPerSecond);
        positive("subscriptionPerMinute", subscriptionPerMinute);
        positive("usersExportPerMinute", usersExportPerMinute);
        positive("usersIdentityPerMinute", usersIdentityPerMinute);
        positive("externalIdsPerMinute", externalIdsPerMinute);
    }

    /** The limits with Braze's limits for the user export and identity endpoints. */
    public LimitsConfig(long hourly, long burstPerSecond, long usersTrackPer3s, long broadcastPerMinute,
                        long transactionalPerSecond, long subscriptionPerMinute) {
        this(hourly, burstPerSecond, usersTrackPer3s, broadcastPerMinute, transactionalPerSecond, subscriptionPerMinute,
                USERS_EXPORT_PER_MINUTE, USERS_IDENTITY_PER_MINUTE, EXTERNAL_IDS_PER_MINUTE);
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
     * 5,000/min subscription-state writes; 250/min user exports; 20,000/min identity writes; 1,000/min external id
     * renames and removals.
     */
    public static LimitsConfig defaults() {
        return new LimitsConfig(250_000, 1_000, 3_000, 250, 1_000, SUBSCRIPTION_PER_MINUTE, USERS_EXPORT_PER_MINUTE,
                USERS_IDENTITY_PER_MINUTE, EXTERNAL_IDS_PER_MINUTE);
    }
}
