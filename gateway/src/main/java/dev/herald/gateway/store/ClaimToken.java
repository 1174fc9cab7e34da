package dev.herald.gateway.store;

import java.util.Objects;
import java.util.UUID;

/**
 * Proof that an attempt of a delivery is this process's to record: the delivery, which attempt, and who claimed it.
 * An outcome is written only while the claim it carries still holds; a stale one (the claim was given up, or
 * another node took the delivery over) matches nothing and is dropped and counted, never applied twice.
 *
 * @param delivery the delivery
 * @param attempt  the attempt the claim is for (1 = the first)
 * @param owner    the claimant: this store's instance (a process, or a node's lease owner)
 */
public record ClaimToken(UUID delivery, int attempt, String owner) {
    public ClaimToken {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(owner, "owner");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
        }
    }
}
