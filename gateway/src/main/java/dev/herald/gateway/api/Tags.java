package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code tags} of templates and Content Blocks, with Braze's messages. Braze accepts only tags that already
 * exist in the dashboard; Herald has no tag registry, so any string is kept as given.
 */
final class Tags {
    private Tags() {
    }

    /** The tags given, if the field is. */
    static Optional<List<String>> of(JsonNode body) {
        JsonNode tags = body.get("tags");
        if (tags == null || tags.isNull()) {
            return Optional.empty();
        }
        if (!tags.isArray()) {
            throw ApiException.badRequest("Tags must be an array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode t : tags) {
            if (!t.isTextual()) {
                throw ApiException.badRequest("All tags must be strings");
            }
            out.add(t.textValue());
        }
        return Optional.of(out);
    }

    /** Writes {@code tags} as a JSON array under {@code tags}. */
    static void put(ObjectNode out, List<String> tags) {
        var array = out.putArray("tags");
        tags.forEach(array::add);
    }
}
