package dev.herald.gateway.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What the stream reads back out of an event's JSON (data binding: the store never walks a JSON tree). */
    private record Head(@JsonProperty("event_type") String type, @JsonProperty("id") UUID id,
                        @JsonProperty("properties") Properties properties) {
    }

    private record Properties(@JsonProperty("dispatch_id") String dispatchId) {
    }

    /** The event's place in the workspace's stream, as one number (a page cursor). */
    public long position() {
        return StreamEvents.position(seq, index);
    }

    /** The event's id: the same in every batch that carries it, so receivers can drop duplicates. */
    public UUID id() {
        return head().id();
    }

    /** Braze's event type, e.g. {@code users.messages.email.Delivery}. */
    public String type() {
        return head().type();
    }

    /** The dispatch the event is about. */
    public String dispatchId() {
        Head h = head();
        return h.properties() == null ? "" : h.properties().dispatchId();
    }

    private Head head() {
        try {
            return JSON.readValue(payload, Head.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a stream event's JSON does not parse", e);
        }
    }
}
