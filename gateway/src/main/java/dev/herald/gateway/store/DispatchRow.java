package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;

/** A dispatch as read back from the journal. */
public record DispatchRow(String id, String workspace, String kind, Lane lane, String request, String status,
                          Instant notBefore, Instant expiresAt, Optional<String> campaignId, Optional<String> sendId,
                          Instant createdAt, Instant updatedAt) {
    /** Accepted, not yet turned into deliveries. */
    public static final String ACCEPTED = "accepted";
    /** Every delivery has been created. */
    public static final String EXPANDED = "expanded";
}
