package dev.herald.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One app of a workspace: the push credentials for its device tokens.
 *
 * @param appId    the Braze {@code app_id} that tokens and messages refer to
 * @param platform which push service its tokens belong to
 * @param apns     APNs credentials (iOS; absent in sandbox workspaces)
 * @param fcm      FCM credentials (Android; absent in sandbox workspaces)
 */
public record AppConfig(String appId, Platform platform, Optional<ApnsConfig> apns, Optional<FcmConfig> fcm) {

    /** Push platforms. */
    public enum Platform {
        /** APNs. */
        IOS,
        /** FCM. */
        ANDROID,
        /** Reserved for web push. */
        WEB;

        /** The configuration name. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AppConfig {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(apns, "apns");
        Objects.requireNonNull(fcm, "fcm");
    }
}
