package dev.herald.gateway.events;

import dev.herald.gateway.store.StreamEventRow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * One batch of a workspace's stream: its events in order, and the body Braze's custom-HTTP connector sends,
 * {@code {"events": [...]}}.
 *
 * @param events the events, oldest first
 */
record StreamBatch(String workspace, List<StreamEventRow> events) {
    StreamBatch {
        events = List.copyOf(events);
    }

    /** The request body: the stored events, as they are, in one array. */
    String body() {
        StringBuilder b = new StringBuilder(events.stream().mapToInt(e -> e.payload().length() + 1).sum() + 16);
        b.append("{\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(events.get(i).payload());
        }
        return b.append("]}").toString();
    }

    /**
     * An id for the batch, the same each time these events go together (sent as {@code webhook-id}): a name-based
     * UUID of its first and last events' JSON (which hold their ids) and its size, so no event is parsed for it.
     */
    UUID id() {
        String first = events.get(0).payload();
        String last = events.get(events.size() - 1).payload();
        StringBuilder key = new StringBuilder(first.length() + last.length() + 16).append(first).append('\n')
                .append(last).append('\n').append(events.size());
        return UUID.nameUUIDFromBytes(key.toString().getBytes(StandardCharsets.UTF_8));
    }
}
