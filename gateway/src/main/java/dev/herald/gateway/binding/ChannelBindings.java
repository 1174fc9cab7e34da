package dev.herald.gateway.binding;

import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.Channel;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.WebhookMessage;
import dev.herald.gateway.model.AndroidPushSpec;
import dev.herald.gateway.model.ApplePushSpec;
import dev.herald.gateway.model.EmailSpec;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.model.SmsSpec;
import dev.herald.gateway.model.WebhookSpec;
import java.util.Objects;

/** The binding of every channel, chosen by one exhaustive switch. */
public final class ChannelBindings {
    /** Webhooks. */
    public static final ChannelBinding<WebhookSpec, WebhookMessage> WEBHOOK = new WebhookBinding();
    /** Email. */
    public static final ChannelBinding<EmailSpec, EmailMessage> EMAIL = new EmailBinding();
    /** SMS. */
    public static final ChannelBinding<SmsSpec, SmsMessage> SMS = new SmsBinding();
    /** iOS push. */
    public static final ChannelBinding<ApplePushSpec, ApplePushMessage> APPLE_PUSH = new ApplePushBinding();
    /** Android push. */
    public static final ChannelBinding<AndroidPushSpec, AndroidPushMessage> ANDROID_PUSH = new AndroidPushBinding();

    private ChannelBindings() {
    }

    /** The binding of a channel. */
    public static ChannelBinding<?, ?> of(Channel channel) {
        return switch (channel) {
            case WEBHOOK -> WEBHOOK;
            case EMAIL -> EMAIL;
            case SMS -> SMS;
            case APPLE_PUSH -> APPLE_PUSH;
            case ANDROID_PUSH -> ANDROID_PUSH;
        };
    }

    /** A spec with its binding, typed together so the binding's methods take the spec. */
    public static Bound<?, ?> bind(MessageSpec spec) {
        return switch (spec) {
            case WebhookSpec w -> new Bound<>(WEBHOOK, w);
            case EmailSpec e -> new Bound<>(EMAIL, e);
            case SmsSpec s -> new Bound<>(SMS, s);
            case ApplePushSpec a -> new Bound<>(APPLE_PUSH, a);
            case AndroidPushSpec a -> new Bound<>(ANDROID_PUSH, a);
        };
    }

    /**
     * A messaging object and the binding of its channel.
     *
     * @param <S> the spec
     * @param <M> the SPI message
     */
    public record Bound<S extends MessageSpec, M extends OutboundMessage>(ChannelBinding<S, M> binding, S spec) {
        public Bound {
            Objects.requireNonNull(binding, "binding");
            Objects.requireNonNull(spec, "spec");
        }
    }
}
