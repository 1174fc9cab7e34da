package dev.herald.channel.fcm;

import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.AndroidNotification;
import com.google.firebase.messaging.Message;
import dev.herald.channel.AndroidPush;
import dev.herald.channel.AndroidPushMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps Braze's {@code android_push} ({@link AndroidPush}) to an FCM HTTP v1 message for one registration
 * token. The notification is rendered by Android from the {@code android.notification} block; the data
 * payload carries the custom key/values plus the keys Braze's Android SDK reads, so an app that routes taps
 * or silent pushes through Braze code finds them where Braze puts them.
 *
 * <table>
 * <caption>Field mapping</caption>
 * <tr><th>android_push</th><th>FCM v1</th></tr>
 * <tr><td>{@code alert}, {@code title}</td><td>{@code android.notification.body}, {@code .title}</td></tr>
 * <tr><td>{@code extra}</td><td>{@code data}, each key as given (string values)</td></tr>
 * <tr><td>{@code priority} -2..2 (clamped)</td><td>{@code android.notification.notification_priority}
 *     {@code PRIORITY_MIN, _LOW, _DEFAULT, _HIGH, _MAX}</td></tr>
 * <tr><td>{@code android_priority} normal/high</td><td>{@code android.priority} (other values: FCM's
 *     default)</td></tr>
 * <tr><td>{@code collapse_key}</td><td>{@code android.collapse_key}</td></tr>
 * <tr><td>{@code time_to_live}</td><td>{@code android.ttl}, clamped to 0..2,419,200 s (FCM's 28 days)</td></tr>
 * <tr><td>{@code notification_channel_id}</td><td>{@code android.notification.channel_id}</td></tr>
 * <tr><td>{@code sound}</td><td>{@code android.notification.sound}</td></tr>
 * <tr><td>{@code image_url}</td><td>{@code android.notification.image}</td></tr>
 * <tr><td>{@code custom_uri}</td><td>{@code data.uri} (Braze's deep-link key)</td></tr>
 * <tr><td>{@code summary_text}</td><td>{@code data.s} (Braze's summary key; FCM v1 has no such field)</td></tr>
 * <tr><td>{@code notification_id}</td><td>{@code android.notification.tag} (a notification with the same tag
 *     replaces the shown one) and {@code data.n} (Braze's custom notification id)</td></tr>
 * <tr><td>{@code send_to_sync}</td><td>no {@code notification} block: a data-only message the app handles in
 *     {@code onMessageReceived}; priority, TTL and collapse key still apply</td></tr>
 * </table>
 *
 * <p>{@code custom_uri} is not sent as {@code click_action}: on Android that is an intent-filter action name,
 * and a URL there would leave the tap with no activity to open. The named fields win over {@code extra} keys
 * of the same name ({@code uri}, {@code s}, {@code n}). Keys FCM reserves ({@code from}, {@code google.*},
 * {@code gcm.*}, ...) are passed through and FCM refuses the message, which ends {@code Failed}.
 */
final class FcmMessages {
    /** FCM's maximum time to live: 28 days. */
    static final Duration MAX_TTL = Duration.ofSeconds(2_419_200);
    /** Braze's data key for the URI opened on tap. */
    static final String DEEP_LINK_KEY = "uri";
    /** Braze's data key for the summary line of an expanded notification. */
    static final String SUMMARY_TEXT_KEY = "s";
    /** Braze's data key for the custom notification id. */
    static final String NOTIFICATION_ID_KEY = "n";

    private FcmMessages() {
    }

    // Message.Builder.setToken is deprecated in favour of setFid (Firebase Installation IDs) since 9.11; the
    // addresses Herald holds are FCM registration tokens, which the v1 API's "token" field still takes.
    @SuppressWarnings("deprecation")
    static Message toMessage(AndroidPushMessage message) {
        AndroidPush push = message.push();
        AndroidConfig.Builder android = AndroidConfig.builder();
        push.androidPriority().flatMap(FcmMessages::deliveryPriority).ifPresent(android::setPriority);
        push.collapseKey().ifPresent(android::setCollapseKey);
        push.timeToLive().map(FcmMessages::clampTtl).ifPresent(ttl -> android.setTtl(ttl.toMillis()));
        if (!push.sendToSync()) {
            android.setNotification(notification(push));
        }
        return Message.builder()
                .setToken(message.token())
                .putAllData(data(push))
                .setAndroidConfig(android.build())
                .build();
    }

    private static AndroidNotification notification(AndroidPush push) {
        AndroidNotification.Builder n = AndroidNotification.builder();
        push.title().ifPresent(n::setTitle);
        push.alert().ifPresent(n::setBody);
        push.priority().map(FcmMessages::notificationPriority).ifPresent(n::setPriority);
        push.notificationChannelId().ifPresent(n::setChannelId);
        push.sound().ifPresent(n::setSound);
        push.imageUrl().ifPresent(n::setImage);
        push.notificationId().ifPresent(id -> n.setTag(Integer.toString(id)));
        return n.build();
    }

    private static Map<String, String> data(AndroidPush push) {
        Map<String, String> data = new HashMap<>(push.extra());
        push.customUri().ifPresent(uri -> data.put(DEEP_LINK_KEY, uri));
        push.summaryText().ifPresent(text -> data.put(SUMMARY_TEXT_KEY, text));
        push.notificationId().ifPresent(id -> data.put(NOTIFICATION_ID_KEY, Integer.toString(id)));
        return data;
    }

    static Duration clampTtl(Duration ttl) {
        if (ttl.isNegative()) {
            return Duration.ZERO;
        }
        return ttl.compareTo(MAX_TTL) > 0 ? MAX_TTL : ttl;
    }

    static AndroidNotification.Priority notificationPriority(int brazePriority) {
        return switch (Math.clamp(brazePriority, -2, 2)) {
            case -2 -> AndroidNotification.Priority.MIN;
            case -1 -> AndroidNotification.Priority.LOW;
            case 0 -> AndroidNotification.Priority.DEFAULT;
            case 1 -> AndroidNotification.Priority.HIGH;
            default -> AndroidNotification.Priority.MAX;
        };
    }

    private static Optional<AndroidConfig.Priority> deliveryPriority(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "high" -> Optional.of(AndroidConfig.Priority.HIGH);
            case "normal" -> Optional.of(AndroidConfig.Priority.NORMAL);
            default -> Optional.empty();
        };
    }
}
