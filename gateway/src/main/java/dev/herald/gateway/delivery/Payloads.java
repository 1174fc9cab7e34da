package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.WebhookMessage;
import dev.herald.gateway.http.Json;

/** The rendered message as JSON, shown by the status API for sandbox deliveries. */
final class Payloads {
    private Payloads() {
    }

    static String describe(OutboundMessage message) {
        ObjectNode n = Json.object();
        switch (message) {
            case WebhookMessage w -> {
                n.put("method", w.method());
                n.put("url", w.url().toString());
                ObjectNode h = n.putObject("headers");
                w.headers().forEach(h::put);
                n.put("body", w.body());
            }
        }
        return Json.text(n);
    }
}
