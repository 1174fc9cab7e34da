package dev.herald.gateway.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one Jackson mapper: bounded against hostile input, shared by every package that reads or writes JSON. */
public final class Json {
    /** Shared, thread-safe mapper; nesting and string sizes bounded against hostile input. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .addModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
            .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(8 * 1024 * 1024).maxNumberLength(64).build());
    }

    private Json() {
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Serialises a tree to UTF-8 bytes. */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Serialises a tree to a string. */
    public static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Serialises any value Jackson can bind (records, maps, lists, plain values) to a string. */
    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Appends {@code object} as a JSON object to {@code out}: strings quoted by Jackson's encoder, numbers and
     * booleans as they are, anything else through the mapper. For the hot paths that write a small flat object per
     * message (the event stream's {@code user} and {@code properties}), where a generator per object costs more than
     * the object.
     */
    public static StringBuilder appendFlat(StringBuilder out, Map<String, ?> object) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, ?> e : object.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            appendString(out, e.getKey()).append(':');
            Object v = e.getValue();
            if (v instanceof CharSequence text) {
                appendString(out, text);
            } else if (v instanceof Integer || v instanceof Long || v instanceof Boolean) {
                out.append(v);
            } else {
                out.append(text(v));
            }
        }
        return out.append('}');
    }

    /** Appends {@code value} as a JSON string, quoted and escaped. */
    public static StringBuilder appendString(StringBuilder out, CharSequence value) {
        return out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
    }

    /** A JSON object as plain Java maps, lists and values (what Liquid and Jackson data binding understand). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toMap(JsonNode object) {
        return object.isObject() ? MAPPER.convertValue(object, LinkedHashMap.class) : Map.of();
    }

    /** A JSON document's object as plain Java values; empty when it is not a valid object. */
    public static Map<String, Object> parseMap(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            return n == null ? Map.of() : toMap(n);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /** A value (a JSON node, a record) as plain Java maps, lists and values. */
    public static Object toJava(Object value) {
        return MAPPER.convertValue(value, Object.class);
    }

    /** Parses a JSON document, or answers an empty object when it is not valid. */
    public static JsonNode parseOrEmpty(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            return n == null ? object() : n;
        } catch (JsonProcessingException e) {
            return object();
        }
    }

    /** Parses a JSON document; throws on anything that is not exactly one valid document. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }
}
