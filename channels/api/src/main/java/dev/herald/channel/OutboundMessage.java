package dev.herald.channel;

/**
 * One fully rendered message for one address, ready for a provider. One record per channel, so each
 * sender sees only the fields its provider understands.
 */
public sealed interface OutboundMessage
        permits WebhookMessage, EmailMessage, SmsMessage, ApplePushMessage, AndroidPushMessage {
    /** The delivery this attempt belongs to. */
    DeliveryRef delivery();

    /** The channel this message travels on. */
    Channel channel();
}
