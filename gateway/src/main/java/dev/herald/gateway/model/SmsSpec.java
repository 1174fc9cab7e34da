package dev.herald.gateway.model;

import dev.herald.channel.Channel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Braze's {@code sms} object.
 *
 * @param subscriptionGroupId a group configured under {@code sms.subscription_groups}: the sender and who may get it
 * @param body                the text template
 * @param mediaItems          MMS image URLs (templates)
 */
public record SmsSpec(String subscriptionGroupId, String body, List<String> mediaItems, Optional<String> appId)
        implements MessageSpec {
    public SmsSpec {
        Objects.requireNonNull(subscriptionGroupId, "subscriptionGroupId");
        Objects.requireNonNull(body, "body");
        mediaItems = Lists.copy(mediaItems);
        Objects.requireNonNull(appId, "appId");
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }
}
