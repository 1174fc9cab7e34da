package dev.herald.gateway.events;

import java.util.Map;
import java.util.Objects;

/**
 * One message event as Braze's Currents names it, before it gets its id, time and user.
 *
 * @param type       e.g. {@code users.messages.email.Bounce}
 * @param properties the event's own fields (the campaign and dispatch ids are added to every event)
 */
record MessageEvent(String type, Map<String, Object> properties) {
    MessageEvent {
        Objects.requireNonNull(type, "type");
        properties = Map.copyOf(properties);
    }
}
