package dev.herald.gateway.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.Channel;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the gateway knows about one channel. Stateless; one instance per channel
 * ({@link ChannelBindings}). Adding a channel is one binding, one adapter module and its configuration slice.
 *
 * @param <S> the channel's messaging object as validated at ingress
 * @param <M> the SPI message its senders take
 */
public sealed interface ChannelBinding<S extends MessageSpec, M extends OutboundMessage>
        permits WebhookBinding, EmailBinding, SmsBinding, ApplePushBinding, AndroidPushBinding {

    /** The channel. */
    Channel channel();

    /**
     * Validates Braze's messaging object into its spec, with Braze's error messages. With a workspace, also checks
     * that the workspace can send it (a relay, a subscription group, an app of the platform); without one (a
     * journal written by an older Herald, already validated) only the shape is read.
     *
     * @throws dev.herald.gateway.http.ApiException a 400 naming the field
     */
    S parse(JsonNode object, Optional<WorkspaceConfig> workspace);

    /**
     * Where one recipient's message goes: one address (a push: one per valid token of the user's apps of the
     * platform), or why it cannot be sent ({@code aborted} with Braze's reason, e.g. "User not emailable").
     */
    Reach reach(S spec, Addressee addressee, StoreTx tx) throws SQLException;

    /**
     * When a delivery stops being worth sending: the dispatch's limit, or sooner when the message itself says a
     * late one is worthless (a push's {@code expiry} or {@code time_to_live} counted from {@code due}).
     */
    default Instant ageLimit(S spec, Instant dispatchLimit, Instant due) {
        return dispatchLimit;
    }

    /**
     * Builds the message of one attempt, rendering the spec's templates with {@code fields}.
     *
     * @throws Fields.Stop when a template aborts or fails
     * @throws IllegalArgumentException when a rendered value is unusable (e.g. not a URL)
     */
    M message(S spec, SendContext context, Fields fields) throws Fields.Stop;

    /** What an answer changes in the directory beyond the delivery (a dead address, an opt-out), if anything. */
    Optional<DirectoryEffect> effect(S spec, DeliveryRow delivery, SendOutcome outcome);

    /** The sandbox's answer: decided by the address, never by a provider (DESIGN §5). */
    SendOutcome simulate(M message);

    /** The rendered message for the status API's {@code payload} (sandbox deliveries). */
    Map<String, Object> describe(M message);

    /** This channel's senders among all channels'. */
    SenderRoute<M> route(ChannelSenders senders);

    /** Creates the senders these workspaces need on this channel (none for sandboxes). */
    SenderRoute<M> openSenders(List<WorkspaceConfig> workspaces, SenderResources resources);

    /** Builds the message, turning a template's abort or failure into the delivery's end. */
    default Prepared<M> prepare(S spec, SendContext context, Fields fields) {
        try {
            return new Prepared.Ready<>(message(spec, context, fields));
        } catch (Fields.Stop stop) {
            return stop.abort() ? new Prepared.Abort<>(stop.getMessage()) : new Prepared.Unsendable<>(stop.getMessage());
        } catch (IllegalArgumentException e) {
            return new Prepared.Unsendable<>(String.valueOf(e.getMessage()));
        }
    }
}
