package dev.herald.gateway.store.postgres;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's claims on a shared journal: who it is to the other nodes, how long a claim lives without a heartbeat,
 * and which deliveries it is sending now (the ones the heartbeat renews). Shared by every connection's claims.
 */
final class Leases {
    private final String owner;
    private final Duration lease;
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong stale = new AtomicLong();

    Leases(String owner, Duration lease) {
        this.owner = owner;
        this.lease = lease;
    }

    /** This node's name in {@code lease_owner}: unique per process start. */
    String owner() {
        return owner;
    }

    /** How long a claim lives without a heartbeat. */
    Duration lease() {
        return lease;
    }

    /** The deliveries this node holds now. */
    Set<UUID> held() {
        return held;
    }

    /** Outcomes dropped as stale. */
    AtomicLong stale() {
        return stale;
    }
}
