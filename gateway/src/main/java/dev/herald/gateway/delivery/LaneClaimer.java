package dev.herald.gateway.delivery;

import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.SpecCodec;
import dev.herald.gateway.store.ClaimQuery;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.ExpiredDelivery;
import dev.herald.gateway.store.StoreTx;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Chooses what the scheduler sends next (DESIGN §5), inside the writer's claim: first the parks the
 * {@link EgressGovernor} asks for (one update per key), then lanes by weight (each lane its weighted share of
 * the capacity first, then what the others left), workspaces round-robin within a lane (fair shares, the first
 * served rotating from claim to claim) so one workspace's backlog cannot starve another's, and within a
 * workspace its egress keys the same way, each key's oldest due deliveries first, as many as the governor
 * admits. A paused or full key's backlog is never even read (one index seek per key); a refused delivery is
 * left as it is (no attempt); a due delivery past its age limit is ended {@code expired}, in the claim's transaction
 * with its listeners told. One claim at a time (its round-robin state is its own); any thread.
 */
final class LaneClaimer {
    private final EgressGovernor governor;
    private final java.util.function.Predicate<String> ungoverned;
    private final OutcomeListener listeners;
    private final Counter parked;
    private final Map<Lane, String> lastFirst = new EnumMap<>(Lane.class);
    private final Map<String, String> lastFirstKey = new HashMap<>();

    /**
     * A claimer over this governor.
     *
     * @param ungoverned which workspaces' sends need no egress permits (sandboxes reach no provider)
     */
    LaneClaimer(EgressGovernor governor, java.util.function.Predicate<String> ungoverned, MeterRegistry registry) {
        this(governor, ungoverned, OutcomeListener.NONE, registry);
    }

    /**
     * A claimer over this governor.
     *
     * @param ungoverned which workspaces' sends need no egress permits (sandboxes reach no provider)
     * @param listeners  hear, in the claim's transaction, each due delivery a claim ends {@code expired}
     */
    LaneClaimer(EgressGovernor governor, java.util.function.Predicate<String> ungoverned, OutcomeListener listeners,
                MeterRegistry registry) {
        this.governor = governor;
        this.ungoverned = ungoverned;
        this.listeners = listeners;
        this.parked = Counter.builder("herald.egress.parked")
                .description("deliveries parked because their egress key was paused (not attempts)")
                .register(registry);
    }

    /** Applies pending parks, then claims up to {@code capacity} deliveries; permits of a failed claim are freed. */
    synchronized List<Claim> claim(StoreTx tx, Instant now, int capacity) throws SQLException {
        List<Claim> out = new ArrayList<>();
        try {
            for (Park p : governor.takeParks()) {
                parked.increment(tx.deliveries().park(p.egressKey(), p.until(), now));
            }
            int totalWeight = 0;
            for (Lane lane : Lane.values()) {
                totalWeight += lane.weight();
            }
            Set<Lane> drained = new HashSet<>();
            for (Lane lane : Lane.values()) {
                int room = Math.min(Math.max(1, capacity * lane.weight() / totalWeight), capacity - out.size());
                if (room > 0 && claimLane(tx, lane, now, room, out) < room) {
                    drained.add(lane);
                }
            }
            for (Lane lane : Lane.values()) {
                int room = capacity - out.size();
                if (room > 0 && !drained.contains(lane)) {
                    claimLane(tx, lane, now, room, out);
                }
            }
            return out;
        } catch (SQLException | RuntimeException e) {
            out.forEach(c -> c.permit().release());
            throw e;
        }
    }

    /** Fair shares across the lane's workspaces until the room is used or none has more; returns how many. */
    private int claimLane(StoreTx tx, Lane lane, Instant now, int room, List<Claim> out) throws SQLException {
        List<String> active = rotated(tx.deliveries().queuedWorkspaces(lane), lastFirst.get(lane));
        if (active.isEmpty()) {
            return 0;
        }
        lastFirst.put(lane, active.getFirst());
        Set<String> blocked = new HashSet<>(governor.blocked(lane));
        int claimed = 0;
        while (claimed < room && !active.isEmpty()) {
            int quota = Math.max(1, (room - claimed) / active.size());
            for (Iterator<String> it = active.iterator(); it.hasNext() && claimed < room; ) {
                int want = Math.min(quota, room - claimed);
                int got = claimWorkspace(tx, lane, it.next(), now, want, blocked, out);
                claimed += got;
                if (got < want) {
                    it.remove(); // nothing more it may send now
                }
            }
        }
        return claimed;
    }

    /** Fair shares across the workspace's egress keys the governor has not blocked; returns how many. */
    private int claimWorkspace(StoreTx tx, Lane lane, String workspace, Instant now, int want, Set<String> blocked,
                               List<Claim> out) throws SQLException {
        boolean governed = !ungoverned.test(workspace);
        List<String> keys = new ArrayList<>();
        for (String key : tx.deliveries().queuedEgressKeys(lane, workspace)) {
            if (!governed || !blocked.contains(key)) {
                keys.add(key);
            }
        }
        String rotation = lane.dbName() + "/" + workspace;
        keys = rotated(keys, lastFirstKey.get(rotation));
        if (!keys.isEmpty()) {
            lastFirstKey.put(rotation, keys.getFirst());
        }
        int got = 0;
        while (got < want && !keys.isEmpty()) {
            int quota = Math.max(1, (want - got) / keys.size());
            for (Iterator<String> it = keys.iterator(); it.hasNext() && got < want; ) {
                String key = it.next();
                int asked = Math.min(quota, want - got);
                if (governed) {
                    asked = Math.min(asked, governor.room(key, lane)); // rows it could not start are not read
                    if (asked == 0) {
                        it.remove();
                        continue;
                    }
                }
                Map<UUID, EgressPermit> permits = new HashMap<>();
                List<ExpiredDelivery> expired = new ArrayList<>();
                List<ClaimedDelivery> claimed = tx.claims().claimDue(new ClaimQuery(lane, workspace, key, now, asked),
                        row -> admit(row, lane, governed, blocked, permits), expired);
                for (ExpiredDelivery e : expired) {
                    listeners.changed(tx, new StateChange(e.delivery(), e.kind(), readable(e), DeliveryStatus.QUEUED,
                            DeliveryStatus.EXPIRED, Optional.of(e.reason()), Optional.empty(), Optional.empty(), now));
                }
                for (ClaimedDelivery c : claimed) {
                    out.add(new Claim(c, permits.get(c.delivery().id())));
                }
                got += claimed.size();
                if (claimed.size() < asked) {
                    it.remove(); // no more due, or the key is full now
                }
            }
        }
        return got;
    }

    private static Optional<DispatchSpec> readable(ExpiredDelivery e) {
        try {
            return Optional.of(e.spec().decode());
        } catch (SpecCodec.UnreadableSpecException unreadable) {
            return Optional.empty(); // its events go without the dispatch's ids
        }
    }

    private boolean admit(DeliveryRow row, Lane lane, boolean governed, Set<String> blocked,
                          Map<UUID, EgressPermit> permits) {
        if (!governed) {
            permits.put(row.id(), EgressPermit.UNGOVERNED);
            return true;
        }
        if (blocked.contains(row.egressKey())) {
            return false;
        }
        EgressPermit permit = governor.tryAcquire(row.egressKey(), lane);
        if (permit == null) {
            blocked.add(row.egressKey());
            return false;
        }
        permits.put(row.id(), permit);
        return true;
    }

    /** Sorted names starting after the one served first last time (round-robin across claims). */
    static List<String> rotated(List<String> sorted, @Nullable String previousFirst) {
        int start = 0;
        if (previousFirst != null) {
            for (int i = 0; i < sorted.size(); i++) {
                if (sorted.get(i).compareTo(previousFirst) > 0) {
                    start = i;
                    break;
                }
            }
        }
        List<String> out = new ArrayList<>(sorted.size());
        out.addAll(sorted.subList(start, sorted.size()));
        out.addAll(sorted.subList(0, start));
        return out;
    }
}
