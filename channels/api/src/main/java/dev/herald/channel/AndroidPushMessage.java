package dev.herald.channel;

import java.util.Objects;

/**
 * One Android push to one FCM registration token.
 *
 * @param token the FCM registration token
 * @param push  what to show or deliver
 */
public record AndroidPushMessage(DeliveryRef delivery, String token, AndroidPush push) implements OutboundMessage {
    public AndroidPushMessage {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(push, "push");
    }

    @Override
    public Channel channel() {
        return Channel.ANDROID_PUSH;
    }
}
