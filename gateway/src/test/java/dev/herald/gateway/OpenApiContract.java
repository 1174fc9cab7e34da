package dev.herald.gateway;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.herald.gateway.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a replayed request and Herald's answer against the OpenAPI document, in two layers.
 *
 * <ul>
 *   <li>swagger-request-validator (Atlassian, 2.46.1) matches the exchange to its operation: the path and method
 *       exist, the status is documented, required parameters are present, the security requirement and the media
 *       types hold.</li>
 *   <li>Its schema checks do not understand OpenAPI 3.1: it reads schemas through swagger-core's 3.0 model, where a
 *       3.1 schema's {@code type} is lost, so a string where an integer is documented passes, while
 *       {@code oneOf: [string, array]} matches twice and {@code allOf} never. Its schema messages are therefore
 *       dropped ({@link #SCHEMA_BLIND}), and every body, parameter and header is validated instead with a JSON Schema
 *       2020-12 validator (networknt), OpenAPI 3.1's own dialect, against the document itself: {@code $ref}s resolve
 *       inside it exactly as a client's tools resolve them.</li>
 * </ul>
 */
final class OpenApiContract {
    /** Where the document is said to live, so the schema validator can resolve references inside it. */
    private static final String BASE = "https://herald.invalid/herald/v1/openapi.json";
    /** Response headers Herald sets on purpose; each one it sends must be documented on that response. */
    private static final List<String> MEANINGFUL_HEADERS = List.of("x-ratelimit-limit", "x-ratelimit-remaining",
            "x-ratelimit-reset", "ratelimit", "ratelimit-policy", "retry-after", "allow", "idempotent-replayed");

    /** Keys of swagger-request-validator's messages that come from its 3.0-only schema checks (see above). */
    private static final List<String> SCHEMA_BLIND = List.of(".schema.", "validation.request.parameter.collection.");

    /**
     * A request as sent and Herald's answer to it.
     *
     * @param key            the API key sent as a bearer token, if any
     * @param requestHeaders other headers sent (an {@code Idempotency-Key})
     */
    record Exchange(ExampleRequest request, Optional<String> key, Map<String, String> requestHeaders, int status,
                    Map<String, List<String>> headers, String body) {
    }

    private final OpenApiInteractionValidator interactions;
    private final SchemaRegistry schemas;

    OpenApiContract(String documentJson) {
        this.interactions = OpenApiInteractionValidator.createForInlineApiSpecification(documentJson).build();
        this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(Map.of(BASE, documentJson)));
    }

    /** Everything about {@code exchange} that the document does not say, one line each; empty when it agrees. */
    List<String> problems(Exchange exchange) {
        List<String> problems = new ArrayList<>();
        interactionProblems(exchange, problems);
        ExampleRequest request = exchange.request();
        DocumentedOperation op = request.operation();
        for (DocumentPointer p : op.parameters()) {
            parameterProblems(p, request, problems);
        }
        request.body().ifPresent(body -> request.contentType().filter(t -> t.equals("application/json")).ifPresent(
                t -> problems.addAll(schemaProblems("request body", op.pointer().at("requestBody").resolved()
                        .at("content").at(t).at("schema"), Json.parseOrEmpty(body)))));
        problems.addAll(answerProblems(exchange));
        return problems;
    }

    /**
     * What the document does not say about Herald's answer alone: for requests that are wrong on purpose (no key, a
     * body that is not JSON), whose refusal must still be documented.
     */
    List<String> answerProblems(Exchange exchange) {
        List<String> problems = new ArrayList<>();
        Optional<DocumentPointer> response = exchange.request().operation().response(exchange.status());
        if (response.isEmpty()) {
            problems.add("status " + exchange.status() + " is not documented");
            return problems;
        }
        DocumentPointer json = response.get().at("content").at("application/json").at("schema");
        if (!json.exists()) {
            problems.add("response " + exchange.status() + " documents no application/json schema");
        } else {
            problems.addAll(schemaProblems("response " + exchange.status(), json, Json.parseOrEmpty(exchange.body())));
        }
        headerProblems(response.get().at("headers"), exchange, problems);
        return problems;
    }

    private void interactionProblems(Exchange exchange, List<String> problems) {
        ExampleRequest r = exchange.request();
        var request = new SimpleRequest.Builder(Request.Method.valueOf(r.operation().method()), r.path());
        r.query().forEach((name, values) -> request.withQueryParam(name, values));
        exchange.key().ifPresent(key -> request.withAuthorization("Bearer " + key));
        exchange.requestHeaders().forEach(request::withHeader);
        r.contentType().ifPresent(request::withContentType);
        r.body().ifPresent(request::withBody);
        var response = SimpleResponse.Builder.status(exchange.status()).withBody(exchange.body());
        exchange.headers().forEach((name, values) -> response.withHeader(name, values));
        ValidationReport report = interactions.validate(request.build(), response.build());
        for (ValidationReport.Message m : report.getMessages()) {
            boolean blind = SCHEMA_BLIND.stream().anyMatch(m.getKey()::contains);
            ValidationReport.Level level = m.getLevel();
            boolean serious = level == ValidationReport.Level.ERROR || level == ValidationReport.Level.WARN;
            if (serious && !blind) {
                problems.add("swagger-request-validator " + m.getKey() + ": " + m.getMessage());
            }
        }
    }

    private void parameterProblems(DocumentPointer p, ExampleRequest request, List<String> problems) {
        JsonNode param = p.node();
        String name = param.path("name").asText();
        List<String> values = switch (param.path("in").asText()) {
            case "query" -> request.query().getOrDefault(name, List.of());
            case "path" -> List.of(pathValue(request, name));
            default -> List.of();
        };
        if (values.isEmpty()) {
            if (param.path("required").asBoolean() && !param.path("in").asText().equals("header")) {
                problems.add("required parameter " + name + " was not sent");
            }
            return;
        }
        DocumentPointer schema = p.at("schema");
        JsonNode s = schema.resolved().node();
        JsonNode value = s.path("type").asText().equals("array")
                ? arrayOf(values, schema.resolved().at("items").resolved().node())
                : typed(values.get(0), s);
        problems.addAll(schemaProblems("parameter " + name, schema, value));
    }

    private static String pathValue(ExampleRequest request, String name) {
        String[] template = request.operation().path().split("/");
        String[] actual = request.path().split("/");
        for (int i = 0; i < template.length && i < actual.length; i++) {
            if (template[i].equals("{" + name + "}")) {
                return URLDecoder.decode(actual[i], StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no {" + name + "} in " + request.operation().path());
    }

    private void headerProblems(DocumentPointer documented, Exchange exchange, List<String> problems) {
        documented.node().properties().forEach(h -> {
            DocumentPointer header = documented.at(h.getKey()).resolved();
            Optional<String> value = first(exchange.headers(), h.getKey());
            if (value.isEmpty()) {
                if (header.node().path("required").asBoolean()) {
                    problems.add("required header " + h.getKey() + " is missing");
                }
                return;
            }
            problems.addAll(schemaProblems("header " + h.getKey(), header.at("schema"),
                    typed(value.get(), header.at("schema").resolved().node())));
        });
        for (String name : MEANINGFUL_HEADERS) {
            boolean sent = first(exchange.headers(), name).isPresent();
            boolean described = false;
            for (var it = documented.node().fieldNames(); it.hasNext(); ) {
                described |= it.next().equalsIgnoreCase(name);
            }
            if (sent && !described) {
                problems.add("header " + name + " is sent but not documented on response " + exchange.status());
            }
        }
    }

    private List<String> schemaProblems(String what, DocumentPointer schema, JsonNode value) {
        if (!schema.exists()) {
            return List.of(what + ": no schema at " + schema);
        }
        return schemas.getSchema(SchemaLocation.of(BASE + schema.fragment())).validate(value).stream()
                .map(e -> what + ": " + e.getMessage()).toList();
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream()).findFirst();
    }

    /** A parameter or header's text as the JSON value its schema describes (numbers and booleans are parsed). */
    private static JsonNode typed(String text, JsonNode schema) {
        String type = schema.path("type").asText("string").toLowerCase(Locale.ROOT);
        try {
            return switch (type) {
                case "integer" -> JsonNodeFactory.instance.numberNode(Long.parseLong(text.trim()));
                case "number" -> JsonNodeFactory.instance.numberNode(Double.parseDouble(text.trim()));
                case "boolean" -> text.equals("true") || text.equals("false")
                        ? JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(text))
                        : JsonNodeFactory.instance.textNode(text);
                default -> JsonNodeFactory.instance.textNode(text);
            };
        } catch (NumberFormatException notANumber) {
            return JsonNodeFactory.instance.textNode(text); // the schema then reports the wrong type
        }
    }

    private static JsonNode arrayOf(List<String> values, JsonNode itemSchema) {
        var array = JsonNodeFactory.instance.arrayNode();
        values.forEach(v -> array.add(typed(v, itemSchema)));
        return array;
    }
}
