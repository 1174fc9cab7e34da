package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A dispatch as read back from the journal.
 *
 * @param schedule     the schedule object of a scheduled send
 * @param expandCursor the last user row a broadcast's paged expansion reached
 */
public record DispatchRow(String id, String workspace, String kind, Lane lane, String request, String status,
                          Instant notBefore, Instant expiresAt, Optional<String> campaignId, Optional<String> sendId,
                          Instant createdAt, Instant updatedAt, Optional<String> schedule, Optional<Long> expandCursor) {
    /** Accepted, not yet turned into deliveries. */
    public static final String ACCEPTED = "accepted";
    /** Every delivery has been created. */
    public static final String EXPANDED = "expanded";
    /** A schedule deleted before it was sent. */
    public static final String CANCELLED = "cancelled";
}
