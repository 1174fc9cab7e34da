package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.WebhookMessage;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.DeliveryRow;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the message for one attempt from the delivery and its dispatch's stored request. */
final class MessageFactory {

    OutboundMessage build(ClaimedDelivery claimed, JsonNode request) throws UnsendableException {
        DeliveryRow d = claimed.delivery();
        var ref = new DeliveryRef(d.id(), d.attempts());
        JsonNode object = request.path("messages").path(d.channel().wireName());
        if (!object.isObject()) {
            throw new UnsendableException("the dispatch has no " + d.channel().wireName() + " message");
        }
        return switch (d.channel()) {
            case WEBHOOK -> webhook(ref, object);
            case EMAIL, SMS, APPLE_PUSH, ANDROID_PUSH -> throw new UnsendableException(
                    d.channel().wireName() + " is not delivered by this Herald");
        };
    }

    private static WebhookMessage webhook(DeliveryRef ref, JsonNode w) throws UnsendableException {
        String url = w.path("url").asText();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UnsendableException("webhook url is not a valid URL: " + url);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        w.path("request_headers").properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        try {
            return new WebhookMessage(ref, uri, w.path("request_method").asText("POST"), headers,
                    w.path("body").asText(""));
        } catch (IllegalArgumentException e) {
            throw new UnsendableException(e.getMessage());
        }
    }
}
