package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.template.ContentBlockIncludes;

/**
 * What in a request's (or a configured campaign's) messaging objects refers to content kept in the journal: an
 * {@code email_template_id} on the {@code email} object, or a {@code {{content_blocks.${name}}}} in any string. Such
 * objects can only be completed, and fully validated, once that content is read.
 */
public final class ContentReferences {
    /** Stands in for a body the template will give, so the rest of a configured object can be checked at load. */
    private static final String BODY_FROM_TEMPLATE = "(the email template's body)";

    private ContentReferences() {
    }

    /** Whether {@code messages} names a template or includes a block anywhere. */
    public static boolean any(JsonNode messages) {
        return messages.isObject() && (messages.path("email").has("email_template_id") || includesBlocks(messages));
    }

    private static boolean includesBlocks(JsonNode node) {
        if (node.isTextual()) {
            return ContentBlockIncludes.includesAny(node.textValue());
        }
        for (JsonNode child : node) {
            if (includesBlocks(child)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code messages} with the template reference taken out (and a stand-in body where the template would give
     * one), for checking everything else before the journal is at hand.
     */
    public static JsonNode withoutTemplate(JsonNode messages) {
        if (!(messages.get("email") instanceof ObjectNode email) || !email.has("email_template_id")) {
            return messages;
        }
        ObjectNode copy = ((ObjectNode) messages).deepCopy();
        ObjectNode e = (ObjectNode) copy.get("email");
        e.remove("email_template_id");
        if (!e.hasNonNull("body")) {
            e.put("body", BODY_FROM_TEMPLATE);
        }
        return copy;
    }
}
