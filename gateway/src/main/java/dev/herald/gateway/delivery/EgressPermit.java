package dev.herald.gateway.delivery;

import dev.herald.channel.SendOutcome;

/**
 * Leave to start one send on an egress key, taken when the delivery is claimed. Exactly one of
 * {@link #finish} (the provider answered) or {@link #release} (nothing was sent) ends it; later calls do nothing,
 * so a cleanup path may always call {@link #release}. Thread-safe.
 */
public interface EgressPermit {
    /** A permit that limits nothing (sandbox workspaces never reach a provider). */
    EgressPermit UNGOVERNED = new EgressPermit() {
        @Override
        public void finish(SendOutcome outcome) {
        }

        @Override
        public void release() {
        }
    };

    /** The send ended with this answer: frees the slot and feeds the key's circuit breaker or pause. */
    void finish(SendOutcome outcome);

    /** Nothing was sent (rendering failed, the message was aborted): frees the slot, judges nothing. */
    void release();
}
