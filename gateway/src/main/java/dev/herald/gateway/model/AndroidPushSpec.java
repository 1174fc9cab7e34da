package dev.herald.gateway.model;

import dev.herald.channel.Channel;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Braze's {@code android_push} object. {@code alert}, {@code title}, {@code summary_text}, {@code custom_uri} and
 * string values of {@code extra} are templates.
 *
 * @param priority          -2 to 2 (out-of-range values were made 0 at ingress)
 * @param timeToLiveSeconds at most 28 days
 * @param extra             custom data, as plain Java values (sent as strings)
 */
public record AndroidPushSpec(Optional<String> alert, Optional<String> title, Map<String, Object> extra,
                              Optional<Integer> priority, Optional<String> androidPriority,
                              Optional<String> collapseKey, Optional<Long> timeToLiveSeconds,
                              Optional<String> notificationChannelId, Optional<String> sound,
                              Optional<String> customUri, boolean sendToSync, Optional<String> summaryText,
                              Optional<Integer> notificationId, boolean sendToMostRecentDeviceOnly)
        implements MessageSpec {
    public AndroidPushSpec {
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(title, "title");
        extra = Maps.copy(extra);
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(androidPriority, "androidPriority");
        Objects.requireNonNull(collapseKey, "collapseKey");
        Objects.requireNonNull(timeToLiveSeconds, "timeToLiveSeconds");
        Objects.requireNonNull(notificationChannelId, "notificationChannelId");
        Objects.requireNonNull(sound, "sound");
        Objects.requireNonNull(customUri, "customUri");
        Objects.requireNonNull(summaryText, "summaryText");
        Objects.requireNonNull(notificationId, "notificationId");
    }

    @Override
    public Channel channel() {
        return Channel.ANDROID_PUSH;
    }
}
