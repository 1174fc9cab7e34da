package dev.herald.channel;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Braze's {@code android_push} object (braze-api.md §2.4), rendered and typed. The FCM adapter maps it to an
 * FCM v1 message.
 *
 * @param alert                 the notification text (absent with {@code sendToSync})
 * @param title                 the notification title (absent with {@code sendToSync})
 * @param extra                 custom key/values, sent as FCM {@code data}
 * @param priority              Braze's notification priority -2..2
 * @param androidPriority       FCM delivery priority: {@code normal} or {@code high}
 * @param collapseKey           FCM collapse key
 * @param timeToLive            how long FCM keeps it for an offline device (at most 28 days)
 * @param notificationChannelId the Android notification channel
 * @param sound                 a sound name
 * @param customUri             a URL or deep link opened on tap
 * @param sendToSync            a data-only (silent) message
 * @param summaryText           summary line for expanded notifications
 * @param notificationId        Android notification id (same id replaces)
 * @param imageUrl              a big-picture image ({@code extra.appboy_image_url} in Braze)
 */
public record AndroidPush(Optional<String> alert, Optional<String> title, Map<String, String> extra,
                          Optional<Integer> priority, Optional<String> androidPriority, Optional<String> collapseKey,
                          Optional<Duration> timeToLive, Optional<String> notificationChannelId, Optional<String> sound,
                          Optional<String> customUri, boolean sendToSync, Optional<String> summaryText,
                          Optional<Integer> notificationId, Optional<String> imageUrl) {
    public AndroidPush {
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(title, "title");
        extra = Map.copyOf(extra);
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(androidPriority, "androidPriority");
        Objects.requireNonNull(collapseKey, "collapseKey");
        Objects.requireNonNull(timeToLive, "timeToLive");
        Objects.requireNonNull(notificationChannelId, "notificationChannelId");
        Objects.requireNonNull(sound, "sound");
        Objects.requireNonNull(customUri, "customUri");
        Objects.requireNonNull(summaryText, "summaryText");
        Objects.requireNonNull(notificationId, "notificationId");
        Objects.requireNonNull(imageUrl, "imageUrl");
    }

    /** A plain notification with a title and text. */
    public static AndroidPush notification(String title, String alert) {
        return new AndroidPush(Optional.of(alert), Optional.of(title), Map.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false,
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
