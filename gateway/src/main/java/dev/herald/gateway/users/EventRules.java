package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.json.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.Map;
import java.util.Optional;

/** Validates Braze event and purchase objects (braze-api.md §6.1) into what the directory stores. */
final class EventRules {
    private static final int MAX_PROPERTIES_BYTES = 50 * 1024;

    /** A validated event or purchase. */
    record Recorded(String name, Optional<String> appId, Instant time, String data) {
    }

    private EventRules() {
    }

    static Recorded event(JsonNode o, Instant now) throws ItemError {
        String name = o.path("name").asText("");
        if (!o.path("name").isTextual() || name.isBlank() || name.length() > 255) {
            throw new ItemError("'name' is required: a string of at most 255 characters");
        }
        ObjectNode data = Json.object();
        data.set("properties", properties(o));
        return new Recorded(name, appId(o), time(o, now), Json.text(data));
    }

    static Recorded purchase(JsonNode o, Instant now) throws ItemError {
        String product = o.path("product_id").asText("");
        if (!o.path("product_id").isTextual() || product.isBlank() || product.length() > 255) {
            throw new ItemError("'product_id' is required: a string of at most 255 characters");
        }
        String currency = o.path("currency").asText("");
        try {
            if (currency.length() != 3) {
                throw new IllegalArgumentException(currency);
            }
            Currency.getInstance(currency.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ItemError("'currency' must be an ISO 4217 code such as USD");
        }
        BigDecimal price;
        JsonNode p = o.path("price");
        try {
            price = p.isNumber() ? p.decimalValue() : new BigDecimal(p.asText("x"));
        } catch (NumberFormatException e) {
            throw new ItemError("'price' is required: a number");
        }
        int quantity = 1;
        if (o.hasNonNull("quantity")) {
            if (!o.get("quantity").canConvertToInt() || o.get("quantity").intValue() < 1
                    || o.get("quantity").intValue() > 100) {
                throw new ItemError("'quantity' must be a whole number from 1 to 100");
            }
            quantity = o.get("quantity").intValue();
        }
        ObjectNode data = Json.object();
        data.put("currency", currency.toUpperCase(java.util.Locale.ROOT));
        data.put("price", price);
        data.put("quantity", quantity);
        data.set("properties", properties(o));
        return new Recorded(product, appId(o), time(o, now), Json.text(data));
    }

    private static Optional<String> appId(JsonNode o) throws ItemError {
        if (!o.hasNonNull("app_id")) {
            return Optional.empty();
        }
        if (!o.get("app_id").isTextual()) {
            throw new ItemError("'app_id' must be a string");
        }
        return Optional.of(o.get("app_id").asText());
    }

    /** Braze requires a time; one in the future is replaced with now. */
    private static Instant time(JsonNode o, Instant now) throws ItemError {
        if (!o.path("time").isTextual()) {
            throw new ItemError("'time' is required: an ISO 8601 date-time");
        }
        Instant t = BrazeTime.parse(o.get("time").asText())
                .orElseThrow(() -> new ItemError("'time' must be an ISO 8601 date-time, was \""
                        + o.get("time").asText() + "\""));
        return t.isAfter(now) ? now : t;
    }

    private static JsonNode properties(JsonNode o) throws ItemError {
        JsonNode props = o.path("properties");
        if (props.isMissingNode() || props.isNull()) {
            return Json.object();
        }
        if (!props.isObject()) {
            throw new ItemError("'properties' must be an object");
        }
        for (Map.Entry<String, JsonNode> e : props.properties()) {
            String key = e.getKey();
            if (key.isBlank() || key.length() > 255 || key.startsWith("$")) {
                throw new ItemError("property names must be 1-255 characters and not start with $: \"" + key + "\"");
            }
            if (e.getValue().isTextual() && e.getValue().asText().length() > 255) {
                throw new ItemError("property \"" + key + "\" is longer than 255 characters");
            }
        }
        if (Json.bytes(props).length > MAX_PROPERTIES_BYTES) {
            throw new ItemError("'properties' must be at most 50 KB");
        }
        return props;
    }
}
