package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One operation of the OpenAPI document: its method, path template and where it sits in the document.
 *
 * @param method upper case, as Herald's routes name it
 * @param path   the path template, {@code {name}} for a path parameter, as Herald's routes write it
 */
record DocumentedOperation(String method, String path, DocumentPointer pointer) {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    /** Every operation, in the document's order (the order the examples are replayed in). */
    static List<DocumentedOperation> all(JsonNode document) {
        List<DocumentedOperation> out = new ArrayList<>();
        DocumentPointer paths = DocumentPointer.root(document).at("paths");
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                out.add(new DocumentedOperation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                        paths.at(path.getKey()).at(op.getKey())));
            }
        }));
        return out;
    }

    JsonNode node() {
        return pointer.node();
    }

    /** {@code "POST /messages/send"}. */
    String route() {
        return method + " " + path;
    }

    String operationId() {
        return node().path("operationId").asText(route());
    }

    /** The operation's parameters and its path item's, each resolved. */
    List<DocumentPointer> parameters() {
        List<DocumentPointer> out = new ArrayList<>();
        DocumentPointer pathItem = DocumentPointer.root(pointer.root()).at("paths").at(path);
        for (DocumentPointer holder : List.of(pathItem.at("parameters"), pointer.at("parameters"))) {
            for (int i = 0; i < holder.node().size(); i++) {
                out.add(holder.at(Integer.toString(i)).resolved());
            }
        }
        return out;
    }

    /** Whether the operation documents the {@code Idempotency-Key} header: then it must honour it. */
    boolean takesIdempotencyKey() {
        return parameters().stream().anyMatch(p -> p.node().path("in").asText().equals("header")
                && p.node().path("name").asText().equalsIgnoreCase("Idempotency-Key"));
    }

    /** The documented response for {@code status}, resolved, if there is one. */
    Optional<DocumentPointer> response(int status) {
        DocumentPointer r = pointer.at("responses").at(Integer.toString(status));
        return r.exists() ? Optional.of(r.resolved()) : Optional.empty();
    }

    /** Whether the operation needs an API key: it does unless it sets {@code security: []}. */
    boolean needsKey() {
        JsonNode security = node().get("security");
        return security == null || !security.isEmpty();
    }

    /**
     * The status the operation's example gets from a fresh Herald: {@code x-herald-example-status} when the example
     * cannot succeed there (it names something that does not exist yet), else the lowest documented 2xx.
     */
    int exampleStatus() {
        JsonNode explicit = node().get("x-herald-example-status");
        if (explicit != null) {
            return explicit.asInt();
        }
        List<Integer> ok = new ArrayList<>();
        node().path("responses").fieldNames().forEachRemaining(s -> {
            if (s.startsWith("2")) {
                ok.add(Integer.parseInt(s));
            }
        });
        return ok.stream().min(Integer::compare)
                .orElseThrow(() -> new AssertionError(route() + " documents no 2xx response"));
    }
}
