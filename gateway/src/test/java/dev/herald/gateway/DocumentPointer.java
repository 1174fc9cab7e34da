package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * A node of the OpenAPI document and the JSON pointer it sits at, so a schema found by walking the document can be
 * handed to the JSON Schema validator by its location (its {@code $ref}s then resolve against the whole document).
 */
record DocumentPointer(JsonNode root, String pointer) {

    static DocumentPointer root(JsonNode document) {
        return new DocumentPointer(document, "");
    }

    JsonNode node() {
        return root.at(pointer);
    }

    boolean exists() {
        return !node().isMissingNode();
    }

    /** The child named {@code key} (a property name or an array index). */
    DocumentPointer at(String key) {
        return new DocumentPointer(root, pointer + "/" + key.replace("~", "~0").replace("/", "~1"));
    }

    /** This node, or the node its {@code $ref} names (references inside the document only, followed repeatedly). */
    DocumentPointer resolved() {
        DocumentPointer p = this;
        for (int hops = 0; hops < 10; hops++) {
            JsonNode ref = p.node().get("$ref");
            if (ref == null || !ref.isTextual()) {
                return p;
            }
            if (!ref.asText().startsWith("#/")) {
                throw new AssertionError("only references inside the document are expected, found " + ref.asText());
            }
            p = new DocumentPointer(root, ref.asText().substring(1));
        }
        throw new AssertionError("a $ref chain longer than 10 at " + pointer);
    }

    /** The pointer as a URI fragment: percent-encoded where a fragment may not hold the character ({@code {}}). */
    String fragment() {
        StringBuilder out = new StringBuilder("#");
        for (byte b : pointer.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return pointer;
    }
}
