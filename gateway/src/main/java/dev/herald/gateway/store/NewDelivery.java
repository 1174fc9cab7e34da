package dev.herald.gateway.store;

import dev.herald.channel.Channel;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.Lane;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One message for one address, created by expanding a dispatch.
 *
 * @param recipient  who it is for ({@code external_id:...} or {@code alias:label:name})
 * @param address    where it goes: the webhook URL, the email address, the push token, the phone number
 * @param egressKey  the credential, relay or host it leaves through; rate limits and breakers key on it
 * @param status     {@link DeliveryStatus#QUEUED}, or {@link DeliveryStatus#ABORTED} with a reason
 * @param lastError  the abort reason, if aborted
 * @param userId     the directory profile it was resolved to, if any (rendering reads it at send time)
 * @param appId      the app a push token belongs to
 */
public record NewDelivery(UUID id, String dispatchId, String workspace, Channel channel, String recipient,
                          String address, String egressKey, Lane lane, DeliveryStatus status, Instant nextAttemptAt,
                          Instant expiresAt, Optional<String> lastError, Optional<Long> userId,
                          Optional<String> appId) {
    public NewDelivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dispatchId, "dispatchId");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(egressKey, "egressKey");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(appId, "appId");
    }

    /** The row this delivery becomes when inserted at {@code now}. */
    public DeliveryRow toRow(Instant now) {
        return new DeliveryRow(id, dispatchId, workspace, channel, recipient, address, egressKey, lane, status, 0,
                nextAttemptAt, expiresAt, lastError, Optional.empty(), Optional.empty(), now, now, userId, appId);
    }
}
