package dev.herald.gateway.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.store.DeliveryRow;

/** How the console's endpoints show a delivery: the fields of the dead letters and status APIs, by the same names. */
final class DeliveryJson {
    private DeliveryJson() {
    }

    /** A dead letter as {@code GET /herald/v1/dead_letters} lists it. */
    static void deadLetter(ObjectNode n, DeliveryRow d) {
        n.put("delivery_id", d.id().toString());
        n.put("dispatch_id", d.dispatchId());
        n.put("channel", d.channel().wireName());
        n.put("recipient", d.recipient());
        n.put("status", d.status().dbName());
        n.put("last_error", d.lastError().orElse(null));
        n.put("attempts", d.attempts());
        n.put("ended_at", d.updatedAt().toString());
    }

    /** A delivery with its dispatch, attempts, last error and times (the message lookup). */
    static void delivery(ObjectNode n, DeliveryRow d) {
        n.put("delivery_id", d.id().toString());
        n.put("dispatch_id", d.dispatchId());
        n.put("channel", d.channel().wireName());
        n.put("recipient", d.recipient());
        n.put("address", d.address());
        n.put("status", d.status().dbName());
        n.put("attempts", d.attempts());
        n.put("last_error", d.lastError().orElse(null));
        n.put("provider_message_id", d.providerMessageId().orElse(null));
        n.put("created_at", d.createdAt().toString());
        n.put("updated_at", d.updatedAt().toString());
    }
}
