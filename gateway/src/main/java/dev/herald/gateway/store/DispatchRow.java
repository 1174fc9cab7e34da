package dev.herald.gateway.store;

import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.DispatchStatus;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.ScheduleSpec;
import dev.herald.gateway.model.SpecCodec;
import dev.herald.gateway.model.StoredSpec;
import java.time.Instant;
import java.util.Optional;

/**
 * A dispatch as read back from the journal.
 *
 * @param stored       the spec as kept ({@link #spec()} reads it)
 * @param schedule     the schedule of a scheduled send
 * @param expandCursor the last user row a broadcast's paged expansion reached
 */
public record DispatchRow(String id, String workspace, DispatchKind kind, Lane lane, StoredSpec stored,
                          DispatchStatus status, Instant notBefore, Instant expiresAt, Optional<String> campaignId,
                          Optional<String> sendId, Instant createdAt, Instant updatedAt, Optional<ScheduleSpec> schedule,
                          Optional<Long> expandCursor) {

    /**
     * What it sends to whom.
     *
     * @throws dev.herald.gateway.model.SpecCodec.UnreadableSpecException if the stored spec cannot be read
     */
    public DispatchSpec spec() {
        return stored.decode();
    }

    /** What it sends to whom, or empty when this Herald cannot read the stored spec (a newer one wrote it). */
    public Optional<DispatchSpec> readableSpec() {
        try {
            return Optional.of(stored.decode());
        } catch (SpecCodec.UnreadableSpecException e) {
            return Optional.empty();
        }
    }

    /** Whether a schedule asks for each recipient's own wall time. */
    public boolean inLocalTime() {
        return schedule.map(ScheduleSpec::inLocalTime).orElse(false);
    }
}
