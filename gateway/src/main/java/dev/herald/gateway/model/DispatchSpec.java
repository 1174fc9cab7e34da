package dev.herald.gateway.model;

import dev.herald.channel.Channel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an accepted request asks Herald to send: validated once at ingress, persisted with the dispatch
 * ({@link SpecCodec}) and read by the delivery side as it is, never as JSON.
 *
 * @param recipients        the listed recipients (empty for a broadcast), de-duplicated, at most 50
 * @param broadcast         every profile of the workspace (that matches {@code audience}) instead of a list
 * @param audience          Connected Audience filters; with listed recipients, only those in the audience get it
 * @param messages          one messaging object per channel, in the order given
 * @param subscriptionState who of the recipients may get it
 * @param campaignId        {@code campaign_id} (a triggered campaign's id, or the one a send names)
 * @param canvasId          a triggered Canvas's id
 * @param externalSendId    a transactional send's {@code external_send_id}
 * @param properties        the request's trigger and Canvas entry properties, which each recipient's override
 */
public record DispatchSpec(List<RecipientSpec> recipients, boolean broadcast, Optional<Audience> audience,
                           List<MessageSpec> messages, SubscriptionState subscriptionState,
                           Optional<String> campaignId, Optional<String> sendId, Optional<String> canvasId,
                           Optional<String> externalSendId, RecipientSpec.Properties properties) {
    public DispatchSpec {
        recipients = Lists.copy(recipients);
        Objects.requireNonNull(audience, "audience");
        messages = Lists.copy(messages);
        Objects.requireNonNull(subscriptionState, "subscriptionState");
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(sendId, "sendId");
        Objects.requireNonNull(canvasId, "canvasId");
        Objects.requireNonNull(externalSendId, "externalSendId");
        properties = properties == null ? RecipientSpec.Properties.NONE : properties;
        if (broadcast && !recipients.isEmpty()) {
            throw new IllegalArgumentException("a broadcast lists no recipients");
        }
        Set<Channel> channels = new HashSet<>();
        for (MessageSpec m : messages) {
            if (!channels.add(m.channel())) {
                throw new IllegalArgumentException("two " + m.channel().wireName() + " messages");
            }
        }
    }

    /** A new spec to fill with the builder's setters. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether it goes to an audience rather than only to listed users: Braze's broadcast rate class, the bulk lane. */
    public boolean targetsAudience() {
        return broadcast || audience.isPresent();
    }

    /** The messaging object of a channel, if the dispatch has one. */
    public Optional<MessageSpec> message(Channel channel) {
        return messages.stream().filter(m -> m.channel() == channel).findFirst();
    }

    /** The same dispatch with other messages (a schedule's update). */
    public DispatchSpec withMessages(List<MessageSpec> newMessages) {
        return new DispatchSpec(recipients, broadcast, audience, newMessages, subscriptionState, campaignId, sendId,
                canvasId, externalSendId, properties);
    }

    /** The properties a recipient's templates see: the request's, overridden by the recipient's own. */
    public RecipientSpec.Properties propertiesFor(String recipientKey) {
        for (RecipientSpec r : recipients) {
            if (r.recipient().key().equals(recipientKey)) {
                return properties.overriddenBy(r.properties());
            }
        }
        return properties;
    }

    /** Builds a spec field by field; {@link #build()} validates. */
    public static final class Builder {
        private List<RecipientSpec> recipients = new ArrayList<>();
        private boolean broadcast;
        private Optional<Audience> audience = Optional.empty();
        private List<MessageSpec> messages = new ArrayList<>();
        private SubscriptionState subscriptionState = SubscriptionState.SUBSCRIBED;
        private Optional<String> campaignId = Optional.empty();
        private Optional<String> sendId = Optional.empty();
        private Optional<String> canvasId = Optional.empty();
        private Optional<String> externalSendId = Optional.empty();
        private RecipientSpec.Properties properties = RecipientSpec.Properties.NONE;

        private Builder() {
        }

        /** The listed recipients. */
        public Builder recipients(List<RecipientSpec> v) {
            recipients = new ArrayList<>(v);
            return this;
        }

        /** Every profile of the workspace. */
        public Builder broadcast(boolean v) {
            broadcast = v;
            return this;
        }

        /** Connected Audience filters. */
        public Builder audience(Optional<Audience> v) {
            audience = v;
            return this;
        }

        /** The messaging objects. */
        public Builder messages(List<MessageSpec> v) {
            messages = new ArrayList<>(v);
            return this;
        }

        /** {@code recipient_subscription_state}. */
        public Builder subscriptionState(SubscriptionState v) {
            subscriptionState = v;
            return this;
        }

        /** {@code campaign_id}. */
        public Builder campaignId(Optional<String> v) {
            campaignId = v;
            return this;
        }

        /** {@code send_id}. */
        public Builder sendId(Optional<String> v) {
            sendId = v;
            return this;
        }

        /** {@code canvas_id}. */
        public Builder canvasId(Optional<String> v) {
            canvasId = v;
            return this;
        }

        /** {@code external_send_id}. */
        public Builder externalSendId(Optional<String> v) {
            externalSendId = v;
            return this;
        }

        /** The request's own trigger and entry properties. */
        public Builder properties(RecipientSpec.Properties v) {
            properties = v;
            return this;
        }

        /** The spec. */
        public DispatchSpec build() {
            return new DispatchSpec(recipients, broadcast, audience, messages, subscriptionState, campaignId, sendId,
                    canvasId, externalSendId, properties);
        }
    }
}
