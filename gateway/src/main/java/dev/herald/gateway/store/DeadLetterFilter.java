package dev.herald.gateway.store;

import dev.herald.channel.Channel;
import dev.herald.gateway.model.DeliveryStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which of a workspace's dead letters to list or replay; every part is optional.
 *
 * @param status      one of the dead states ({@code failed}, {@code expired}, {@code bounced})
 * @param endedAfter  only those that ended at or after this time
 * @param endedBefore only those that ended before this time
 */
public record DeadLetterFilter(Optional<Channel> channel, Optional<DeliveryStatus> status, Optional<String> dispatchId,
                               Optional<Instant> endedAfter, Optional<Instant> endedBefore) {
    /** Every dead letter. */
    public static final DeadLetterFilter ALL = new DeadLetterFilter(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public DeadLetterFilter {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(dispatchId, "dispatchId");
        Objects.requireNonNull(endedAfter, "endedAfter");
        Objects.requireNonNull(endedBefore, "endedBefore");
        if (status.isPresent() && !DeadLetters.isDead(status.get())) {
            throw new IllegalArgumentException(status.get().dbName() + " is not a dead state");
        }
    }

    /** Only one channel's. */
    public DeadLetterFilter withChannel(Optional<Channel> c) {
        return new DeadLetterFilter(c, status, dispatchId, endedAfter, endedBefore);
    }
}
