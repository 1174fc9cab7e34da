package dev.herald.gateway.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.SendOutcome;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.DeliveryRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading Braze's push objects: the field conventions {@code apple_push} and {@code android_push} share. */
final class PushFields {
    private PushFields() {
    }

    /** A whole number in range, when present; a 400 naming the field otherwise. */
    static void integer(JsonNode a, String object, String field, int min, int max) {
        JsonNode v = a.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
            throw ApiException.badRequest("messages." + object + "." + field + " must be a whole number"
                    + (min == Integer.MIN_VALUE ? "" : " from " + min + " to " + max));
        }
    }

    /** A value as text, absent when missing, null or empty. */
    static Optional<String> text(JsonNode parent, String name) {
        JsonNode v = parent.get(name);
        return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    /** A value as text, absent only when missing or null (a template field: an empty string is kept). */
    static Optional<String> string(JsonNode parent, String name) {
        JsonNode v = parent.get(name);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    /** Braze's loose booleans: {@code true}, {@code "true"} or {@code 1}. */
    static boolean flag(JsonNode parent, String name) {
        JsonNode v = parent.get(name);
        return v != null && (v.asBoolean(false) || v.asText("").equals("true") || (v.isNumber() && v.asInt() == 1));
    }

    /** An array's values as text. */
    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** {@code extra} as plain Java values; string values are templates, checked here. */
    static Map<String, Object> extra(JsonNode push, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> x : push.path("extra").properties()) {
            JsonNode v = x.getValue();
            out.put(x.getKey(), v.isTextual() ? Liquid.checked(v.asText(), path + "." + x.getKey()) : Json.toJava(v));
        }
        return out;
    }

    /** A dead token is marked for its app, unless registered again after the provider's timestamp. */
    static Optional<DirectoryEffect> tokenEffect(DeliveryRow d, SendOutcome outcome) {
        return outcome instanceof SendOutcome.AddressInvalid invalid && !d.address().isEmpty()
                ? Optional.of(new DirectoryEffect.TokenInvalid(d.workspace(), d.appId().orElse(""), d.address(),
                        invalid.since(), invalid.reason()))
                : Optional.empty();
    }
}
