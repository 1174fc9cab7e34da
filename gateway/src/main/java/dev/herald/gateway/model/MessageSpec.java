package dev.herald.gateway.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.herald.channel.Channel;

/**
 * One messaging object of a dispatch, validated at ingress: what to send on one channel, with its template
 * strings kept as they were given (Liquid is rendered per recipient at send time). One record per channel; every
 * switch over them is exhaustive, so a new channel is a compile error wherever it is not handled.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = WebhookSpec.class, name = "webhook"),
        @JsonSubTypes.Type(value = EmailSpec.class, name = "email"),
        @JsonSubTypes.Type(value = SmsSpec.class, name = "sms"),
        @JsonSubTypes.Type(value = ApplePushSpec.class, name = "apple_push"),
        @JsonSubTypes.Type(value = AndroidPushSpec.class, name = "android_push")})
public sealed interface MessageSpec permits WebhookSpec, EmailSpec, SmsSpec, ApplePushSpec, AndroidPushSpec {
    /** The channel it is sent on. */
    Channel channel();
}
