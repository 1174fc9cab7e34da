package dev.herald.channel.apns;

import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.ApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.InterruptionLevel;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.eatthepath.pushy.apns.util.TokenUtil;
import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.support.LastValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a typed {@link ApplePush} to the APNs payload and headers, the way Braze does for its iOS SDK.
 *
 * <p>Payload ({@code aps} per Apple's "Generating a remote notification"):
 * <ul>
 *   <li>{@code aps.alert}: a string when the alert has a body only, else the dictionary ({@code title}, {@code body},
 *       {@code title-loc-key}/{@code title-loc-args}, {@code action-loc-key}, {@code loc-key}/{@code loc-args});
 *       {@code badge}, {@code sound}, {@code category}, {@code thread-id}, {@code interruption-level},
 *       {@code relevance-score}; {@code content-available: 1}, {@code mutable-content: 1}.</li>
 *   <li>{@code extra} keys at the top level, as Braze sends them; {@code aps} and {@code ab} are refused there, as
 *       Braze refuses them, because they would overwrite the APNs or Braze dictionary.</li>
 *   <li>{@code custom_uri} → top-level {@code ab_uri}, which the Braze SDK opens on tap.</li>
 *   <li>{@code asset_url}/{@code asset_file_type} → {@code ab.att = {"url", "type"}} (what the Braze notification
 *       service extension downloads), and {@code mutable-content: 1} so the extension runs, as Braze forces it.</li>
 *   <li>{@code buttons} → {@code ab.buttons = [{"action_id", "action", "uri"?, "use_webview"}]}. iOS draws action
 *       buttons only from a category the app registered ({@code category}); this list tells the app what each
 *       action id does. It is Herald's own simple convention, not Braze's internal wire format.</li>
 * </ul>
 *
 * <p>Headers: {@code apns-id} = the delivery id (stable across attempts, so the app can drop duplicates);
 * {@code apns-topic} = the message's topic; {@code apns-push-type} {@code background} for a content-available push
 * with nothing to show, else {@code alert}; {@code apns-priority} from {@code apnsPriority} (10 stays 10, 1-9 become
 * 5: Pushy 0.15.4 cannot send 1) or else 10 for alerts and 5 for background pushes (Apple requires 5 there);
 * {@code apns-expiration} = {@code expiry}, or 24 hours from now (Herald's default age limit);
 * {@code apns-collapse-id}.
 */
final class ApnsPayloads {
    /** APNs refuses larger payloads (413 PayloadTooLarge); checked here to save the round trip. */
    static final int MAX_PAYLOAD_BYTES = 4096;
    static final Duration DEFAULT_EXPIRY = Duration.ofHours(24);

    private ApnsPayloads() {
    }

    /**
     * The Pushy notification for {@code message} at {@code now}.
     *
     * @throws IllegalArgumentException when the message cannot be sent at all (the reason is the message)
     */
    static SimpleApnsPushNotification notification(ApplePushMessage message, Instant now) { // one-off (tests)
        return notification(message, now, new LastValue<>());
    }

    /** A push's JSON payload and its length in UTF-8, which APNs limits. */
    record Payload(String json, int utf8Bytes) {
        static Payload of(ApplePush push) {
            String json = payload(push);
            return new Payload(json, json.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /**
     * As {@link #notification(ApplePushMessage, Instant)}, the payload taken from {@code payloads}: a send to many
     * users gives each an equal {@link ApplePush} (unless its text is personalised), and building the payload with
     * Pushy's builder was a fifth of what the scheduler allocated per push.
     */
    static SimpleApnsPushNotification notification(ApplePushMessage message, Instant now,
            LastValue<ApplePush, Payload> payloads) {
        ApplePush push = message.push();
        Instant expiration = push.expiry().orElse(now.plus(DEFAULT_EXPIRY));
        if (!expiration.isAfter(now)) {
            throw new IllegalArgumentException("expiry " + expiration + " passed before the notification was sent");
        }
        Payload payload = payloads.get(push, Payload::of);
        if (payload.utf8Bytes() > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload is " + payload.utf8Bytes() + " bytes, APNs accepts at most "
                    + MAX_PAYLOAD_BYTES);
        }
        PushType type = pushType(push);
        return new SimpleApnsPushNotification(sanitizedToken(message.deviceToken()), message.topic(),
                payload.json(), expiration, priority(push, type), type, push.collapseId().orElse(null),
                message.delivery().id());
    }

    /** The token as APNs wants it; Pushy's regex clean-up only for the rare token that is not plain hex already. */
    static String sanitizedToken(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return TokenUtil.sanitizeTokenString(token);
            }
        }
        return token;
    }

    static String payload(ApplePush push) {
        ApnsPayloadBuilder b = new SimpleApnsPayloadBuilder();
        push.alert().ifPresent(alert -> alert(alert, b));
        push.badge().ifPresent(b::setBadgeNumber);
        push.sound().ifPresent(b::setSound);
        push.category().ifPresent(b::setCategoryName);
        push.threadId().ifPresent(b::setThreadId);
        push.interruptionLevel().ifPresent(level -> b.setInterruptionLevel(interruptionLevel(level)));
        push.relevanceScore().ifPresent(score -> b.setRelevanceScore(relevanceScore(score)));
        b.setContentAvailable(push.contentAvailable());
        b.setMutableContent(push.mutableContent() || push.assetUrl().isPresent());
        push.extra().forEach((key, value) -> b.addCustomProperty(extraKey(key), value));
        push.customUri().ifPresent(uri -> b.addCustomProperty("ab_uri", uri));
        Map<String, Object> braze = brazeDictionary(push);
        if (!braze.isEmpty()) {
            b.addCustomProperty("ab", braze);
        }
        return b.build();
    }

    static PushType pushType(ApplePush push) {
        boolean visible = push.alert().isPresent() || push.badge().isPresent() || push.sound().isPresent();
        return push.contentAvailable() && !visible ? PushType.BACKGROUND : PushType.ALERT;
    }

    static DeliveryPriority priority(ApplePush push, PushType type) {
        if (push.apnsPriority().isEmpty()) {
            return type == PushType.BACKGROUND ? DeliveryPriority.CONSERVE_POWER : DeliveryPriority.IMMEDIATE;
        }
        int p = push.apnsPriority().get();
        if (p < 1 || p > 10) {
            throw new IllegalArgumentException("apns_priority must be 1-10, was " + p);
        }
        return p == 10 ? DeliveryPriority.IMMEDIATE : DeliveryPriority.CONSERVE_POWER;
    }

    private static void alert(ApplePush.Alert a, ApnsPayloadBuilder b) {
        boolean bodyOnly = a.title().isEmpty() && a.titleLocKey().isEmpty() && a.actionLocKey().isEmpty()
                && a.locKey().isEmpty();
        b.setPreferStringRepresentationForAlerts(bodyOnly);
        a.title().ifPresent(b::setAlertTitle);
        a.body().ifPresent(b::setAlertBody);
        a.titleLocKey().ifPresent(key -> b.setLocalizedAlertTitle(key, a.titleLocArgs().toArray(String[]::new)));
        a.actionLocKey().ifPresent(b::setLocalizedActionButtonKey);
        a.locKey().ifPresent(key -> b.setLocalizedAlertMessage(key, a.locArgs().toArray(String[]::new)));
    }

    private static Map<String, Object> brazeDictionary(ApplePush push) {
        Map<String, Object> ab = new LinkedHashMap<>();
        push.assetUrl().ifPresent(url -> {
            Map<String, Object> att = new LinkedHashMap<>();
            att.put("url", url);
            push.assetFileType().ifPresent(type -> att.put("type", type));
            ab.put("att", att);
        });
        if (!push.buttons().isEmpty()) {
            List<Map<String, Object>> buttons = push.buttons().stream().map(ApnsPayloads::button).toList();
            ab.put("buttons", buttons);
        }
        return ab;
    }

    private static Map<String, Object> button(ApplePush.Button button) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action_id", button.actionId());
        m.put("action", button.action());
        button.uri().ifPresent(uri -> m.put("uri", uri));
        m.put("use_webview", button.useWebview());
        return m;
    }

    private static String extraKey(String key) {
        if (key.equals("aps") || key.equals("ab")) {
            throw new IllegalArgumentException("extra must not contain the key \"" + key + "\"");
        }
        return key;
    }

    private static InterruptionLevel interruptionLevel(String level) {
        for (InterruptionLevel l : InterruptionLevel.values()) {
            if (l.getValue().equals(level)) {
                return l;
            }
        }
        throw new IllegalArgumentException("interruption_level must be passive, active, time-sensitive or critical, "
                + "was " + level);
    }

    private static double relevanceScore(double score) {
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("relevance_score must be between 0.0 and 1.0, was " + score);
        }
        return score;
    }
}
