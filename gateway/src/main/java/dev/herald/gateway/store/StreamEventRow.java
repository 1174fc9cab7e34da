package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One event of a workspace's Currents-style stream, waiting to be published or given up on.
 *
 * @param seq       the order events happened in (per journal)
 * @param id        the event's id: the same in every batch that carries it, so receivers can drop duplicates
 * @param type      Braze's event type, e.g. {@code users.messages.email.Delivery}
 * @param payload   the event's JSON, as it goes into a batch's {@code events} array
 * @param status    {@code pending} or {@code dead}
 * @param attempts  the batches that carried it and failed
 * @param expiresAt when it is given up on if still unpublished
 */
public record StreamEventRow(long seq, UUID id, String workspace, String dispatchId, String type, String payload,
                             String status, int attempts, Optional<String> lastError, Instant createdAt,
                             Instant expiresAt) {
}
