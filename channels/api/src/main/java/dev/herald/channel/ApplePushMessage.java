package dev.herald.channel;

import java.util.Objects;

/**
 * One iOS push to one device token. The delivery id becomes the {@code apns-id}.
 *
 * @param deviceToken the APNs device token (hex)
 * @param topic       the app's bundle id ({@code apns-topic})
 * @param push        what to show
 */
public record ApplePushMessage(DeliveryRef delivery, String deviceToken, String topic, ApplePush push)
        implements OutboundMessage {
    public ApplePushMessage {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(deviceToken, "deviceToken");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(push, "push");
    }

    @Override
    public Channel channel() {
        return Channel.APPLE_PUSH;
    }
}
