package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/** The claims of a read transaction, for every engine: reads never claim, record, or lead. */
public final class ReadOnlyClaims implements Claims {
    private final LongSupplier staleOutcomes;

    /** Read-only claims reporting the engine's stale-outcome count. */
    public ReadOnlyClaims(LongSupplier staleOutcomes) {
        this.staleOutcomes = staleOutcomes;
    }

    @Override
    public List<ClaimedDelivery> claimDue(ClaimQuery query, Predicate<DeliveryRow> admit,
                                          List<ExpiredDelivery> expired) {
        throw new IllegalStateException("claims are taken in a write, not a read");
    }

    @Override
    public boolean record(ClaimToken token, DeliveryUpdate update, Instant now) {
        throw new IllegalStateException("outcomes are written in a write, not a read");
    }

    @Override
    public long staleOutcomes() {
        return staleOutcomes.getAsLong();
    }

    @Override
    public List<EventRow> claimEvents(Instant now, int limit, Collection<String> busyDispatches) {
        throw new IllegalStateException("events are claimed in a write, not a read");
    }

    @Override
    public boolean lead(String task) {
        throw new IllegalStateException("tasks are led in a write, not a read");
    }
}
