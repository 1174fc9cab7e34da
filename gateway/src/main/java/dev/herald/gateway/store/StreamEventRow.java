package dev.herald.gateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One event of a workspace's Currents-style stream, waiting to be published or given up on. Events are kept in
 * chunks (see {@link StreamEvents}); the chunk's state (status, attempts, age limit) is each of its events' state.
 *
 * @param seq         the chunk's place in the order events happened in (per journal)
 * @param index       the event's place in its chunk
 * @param chunkEvents how many events the chunk holds, published ones included
 * @param payload     the event's JSON, as it goes into a batch's {@code events} array
 * @param status      {@code pending} or {@code dead}
 * @param attempts    the batches that carried it and failed
 * @param expiresAt   when it is given up on if still unpublished
 */
public record StreamEventRow(long seq, int index, int chunkEvents, String workspace, String payload, String status,
                             int attempts, Optional<String> lastError, Instant createdAt, Instant expiresAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The event's place in the workspace's stream, as one number (a page cursor). */
    public long position() {
        return StreamEvents.position(seq, index);
    }

    /** The event's id: the same in every batch that carries it, so receivers can drop duplicates. */
    public UUID id() {
        return UUID.fromString(json().path("id").asText());
    }

    /** Braze's event type, e.g. {@code users.messages.email.Delivery}. */
    public String type() {
        return json().path("event_type").asText();
    }

    /** The dispatch the event is about. */
    public String dispatchId() {
        return json().path("properties").path("dispatch_id").asText();
    }

    private JsonNode json() {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException("a stream event's JSON does not parse", e);
        }
    }
}
