package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.herald.gateway.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request made from an operation's examples in the OpenAPI document: path and query parameters from the
 * parameters' {@code example}, the body from the request body's {@code examples} (one request per named example) or
 * {@code example}. Ids Herald makes ({@link ServerIds}) are replaced by the ones it answered earlier in the replay, so
 * the document keeps readable examples and the replay still looks up things that exist.
 *
 * @param name        the example's name ({@code "parameters"} when there is no body)
 * @param query       decoded names and values, in order
 * @param contentType of the body; empty without one
 */
record ExampleRequest(DocumentedOperation operation, String name, String path, Map<String, List<String>> query,
                      Optional<String> contentType, Optional<String> body) {

    /** The requests for {@code operation}: one per body example, or one from its parameters alone. */
    static List<ExampleRequest> of(DocumentedOperation operation, ServerIds ids) {
        String path = operation.path();
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (DocumentPointer p : operation.parameters()) {
            JsonNode param = p.node();
            String name = param.path("name").asText();
            Optional<JsonNode> example = example(param);
            switch (param.path("in").asText()) {
                case "path" -> {
                    String value = ids.get(name).orElseGet(() -> example.map(JsonNode::asText).orElseThrow(() ->
                            new AssertionError(operation.route() + ": path parameter " + name + " has no example")));
                    path = path.replace("{" + name + "}", URLEncoder.encode(value, StandardCharsets.UTF_8));
                }
                case "query" -> example.ifPresent(e -> query.put(name,
                        values(ids.get(name).<JsonNode>map(TextNode::valueOf).orElse(e))));
                default -> {
                    // Header parameters (Idempotency-Key, X-Braze-Bulk) change how a request is handled, not what it
                    // is; sending them would make replays of one key conflict, so they are documented, not replayed.
                }
            }
        }
        JsonNode content = operation.pointer().at("requestBody").resolved().node().path("content");
        List<ExampleRequest> out = new ArrayList<>();
        for (var media : content.properties()) {
            JsonNode examples = media.getValue().path("examples");
            Map<String, JsonNode> bodies = new LinkedHashMap<>();
            examples.properties().forEach(e -> bodies.put(e.getKey(), resolveExample(operation, e.getValue())
                    .path("value")));
            if (bodies.isEmpty() && media.getValue().has("example")) {
                bodies.put("example", media.getValue().get("example"));
            }
            for (var body : bodies.entrySet()) {
                JsonNode value = ids.substitute(body.getValue());
                out.add(new ExampleRequest(operation, body.getKey(), path, query, Optional.of(media.getKey()),
                        Optional.of(encode(media.getKey(), value))));
            }
        }
        if (out.isEmpty()) {
            if (content.size() > 0) {
                throw new AssertionError(operation.route() + " takes a body but has no example of it");
            }
            out.add(new ExampleRequest(operation, "parameters", path, query, Optional.empty(), Optional.empty()));
        }
        return out;
    }

    /** The same request with another body (of the same media type). */
    ExampleRequest withBody(String other) {
        return new ExampleRequest(operation, name, path, query, contentType, Optional.of(other));
    }

    /** The path and query as sent. */
    String target() {
        StringBuilder q = new StringBuilder();
        query.forEach((name, values) -> values.forEach(v -> q.append(q.isEmpty() ? "?" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))));
        return path + q;
    }

    private static Optional<JsonNode> example(JsonNode param) {
        if (param.has("example")) {
            return Optional.of(param.get("example"));
        }
        var first = param.path("examples").elements();
        return first.hasNext() ? Optional.of(first.next().path("value")) : Optional.empty();
    }

    private static JsonNode resolveExample(DocumentedOperation operation, JsonNode example) {
        if (example.has("$ref")) {
            return operation.pointer().root().at(example.get("$ref").asText().substring(1));
        }
        return example;
    }

    /** A query example: an array is the parameter repeated ({@code style: form, explode: true}). */
    private static List<String> values(JsonNode example) {
        List<String> out = new ArrayList<>();
        if (example.isArray()) {
            example.forEach(v -> out.add(v.asText()));
        } else {
            out.add(example.asText());
        }
        return out;
    }

    private static String encode(String mediaType, JsonNode value) {
        if (mediaType.equals("application/x-www-form-urlencoded")) {
            StringBuilder form = new StringBuilder();
            ((ObjectNode) value).properties().forEach(e -> form.append(form.isEmpty() ? "" : "&")
                    .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue().asText(), StandardCharsets.UTF_8)));
            return form.toString();
        }
        return Json.text(value);
    }
}
