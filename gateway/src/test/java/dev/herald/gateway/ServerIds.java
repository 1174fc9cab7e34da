package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ids Herald makes up (a dispatch's, a schedule's, a template's, a Content Block's, a dead letter's), as it
 * answered them during a replay. An example that names one of them by field or parameter name gets the latest real
 * one instead of the document's illustrative value, so reading a dispatch or updating a template finds something.
 */
final class ServerIds {
    /** Fields whose values only Herald can invent; client-chosen ids (campaign_id, send_id) are left as written. */
    static final Set<String> NAMES = Set.of("dispatch_id", "schedule_id", "email_template_id", "content_block_id",
            "delivery_id");

    private final Map<String, String> latest = new HashMap<>();

    /** Remembers the ids at the top level of an answer, and in the first item of its lists (a listed dead letter). */
    void remember(JsonNode answer) {
        answer.properties().forEach(field -> {
            if (field.getValue().isArray() && !field.getValue().isEmpty()) {
                rememberFields(field.getValue().get(0));
            }
        });
        rememberFields(answer);
    }

    private void rememberFields(JsonNode object) {
        for (String name : NAMES) {
            JsonNode v = object.get(name);
            if (v != null && v.isTextual() && !v.asText().isEmpty()) {
                latest.put(name, v.asText());
            }
        }
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(latest.get(name));
    }

    /** {@code body} with its top-level ids replaced by the latest real ones (a copy; the document is untouched). */
    JsonNode substitute(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            return body;
        }
        ObjectNode copy = object.deepCopy();
        latest.forEach((name, value) -> {
            if (copy.has(name)) {
                copy.put(name, value);
            }
        });
        return copy;
    }
}
