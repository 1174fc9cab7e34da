package dev.herald.gateway.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** A list of tags stored as a JSON array in one text column. */
final class TagsColumn {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };

    private TagsColumn() {
    }

    static String encode(List<String> tags) {
        try {
            return MAPPER.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always encodes", e);
        }
    }

    static List<String> decode(String column) {
        try {
            return List.copyOf(MAPPER.readValue(column, LIST));
        } catch (JsonProcessingException e) {
            return List.of(); // only Herald writes this column; an unreadable value lists no tags rather than failing
        }
    }
}
