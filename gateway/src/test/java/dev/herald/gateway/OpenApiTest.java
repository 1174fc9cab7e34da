package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Permissions;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /herald/v1/openapi.json} tells the truth, so it cannot drift from the code: the document parses without
 * a single message; it documents exactly the routes Herald serves, each with the permission its route asks for; every
 * operation's example, replayed against a running Herald in the document's order, gets the status the document
 * expects, with a request and an answer (body and headers) that the document describes; and so do the refusals every
 * operation can meet (no key, a key without the permission, a body that is not JSON, a used-up rate limit, a repeated
 * or reused {@code Idempotency-Key}).
 *
 * <p>A new endpoint fails the drift test until it is documented in {@code openapi.yaml} (the one place to do it),
 * with an example the replay can send.
 */
final class OpenApiTest {
    private static final String DOCUMENT_SOURCE = "gateway/src/main/resources/dev/herald/gateway/openapi/openapi.yaml";
    private static Path dir;
    private static GatewayFixture gw;
    private static GatewayFixture.Response served;
    /**
     * Made when first needed: swagger-request-validator refuses a document that does not parse, and the parse test
     * should be the one to say why.
     */
    private static OpenApiContract contract;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("herald-openapi");
        List<String> everything = List.copyOf(new TreeSet<>(Permissions.KNOWN)); // keys that may call anything
        String workspaces = DocumentedWorkspace.DOCS.yaml(everything) + DocumentedWorkspace.PROBE.yaml(everything)
                + DocumentedWorkspace.TINY.yaml(everything);
        HeraldConfig config = ConfigLoader.parse(GatewayFixture.yaml(dir, workspaces),
                SecretResolver.withEnvironment(Map.of()));
        gw = GatewayFixture.start(dir, config, Herald.Overrides.none(), () -> config); // reload re-reads the same
        served = gw.get("/herald/v1/openapi.json", null);
        deadLetterToList();
    }

    /**
     * A webhook that fails for good (a sandbox fails hosts ending {@code .fail}), so the dead-letter examples list one
     * and replay it: the replay then checks a listed dead letter against the document, not only an empty list.
     */
    private static void deadLetterToList() throws Exception {
        String key = DocumentedWorkspace.DOCS.key();
        String dispatch = gw.accept(key, GatewayFixture.webhookSend("dead-letter-user",
                URI.create("https://hooks.example.fail/orders"), "{}"));
        gw.awaitStatus(key, dispatch, status -> GatewayFixture.allDeliveries(status, "failed"));
    }

    private static synchronized OpenApiContract contract() {
        if (contract == null) {
            contract = new OpenApiContract(served.raw());
        }
        return contract;
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void isServedToAnyoneAsJson() throws Exception {
        assertEquals(200, served.status(), served.raw());
        assertEquals(200, gw.get("/herald/v1/openapi.json", "not-a-key").status(), "a public route ignores keys");
        assertTrue(served.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("3.1.0", served.json().path("openapi").asText());
    }

    @Test
    void parsesWithoutErrorsOrWarnings() {
        var options = new ParseOptions();
        options.setResolve(true);
        var result = new OpenAPIV3Parser().readContents(served.raw(), null, options);
        assertTrue(result.getOpenAPI() != null, "swagger-parser read no document: " + result.getMessages());
        assertEquals(List.of(), result.getMessages(), "swagger-parser's messages about the document");
    }

    @Test
    void documentsExactlyTheServedRoutesWithTheirPermissions() {
        Map<String, DocumentedOperation> documented = new HashMap<>();
        DocumentedOperation.all(served.json()).forEach(op -> documented.put(op.route(), op));
        var routes = new TreeSet<String>();
        List<String> problems = new ArrayList<>();
        for (Endpoint e : gw.herald.endpoints()) {
            String route = e.method() + " " + e.pattern();
            routes.add(route);
            DocumentedOperation op = documented.get(route);
            if (op == null) {
                problems.add(route + " is served but not documented in " + DOCUMENT_SOURCE);
            } else {
                problems.addAll(OperationAccess.problems(e.access(), op));
            }
        }
        documented.keySet().stream().filter(r -> !routes.contains(r)).sorted()
                .forEach(r -> problems.add(r + " is documented but Herald does not serve it"));
        assertEquals(List.of(), problems);
    }

    @Test
    void everyExampleGetsTheDocumentedAnswer() throws Exception {
        var ids = new ServerIds();
        List<String> problems = new ArrayList<>();
        int replayed = 0;
        for (DocumentedOperation op : operations()) {
            for (ExampleRequest request : ExampleRequest.of(op, ids)) {
                Optional<String> key = op.needsKey() ? Optional.of(DocumentedWorkspace.DOCS.key()) : Optional.empty();
                OpenApiContract.Exchange exchange = send(request, key, Map.of());
                replayed++;
                ids.remember(Json.parseOrEmpty(exchange.body()));
                if (exchange.status() != op.exampleStatus()) {
                    problems.add(where(exchange) + ": expected " + op.exampleStatus() + ", got " + exchange.status()
                            + " " + exchange.body());
                }
                contract().problems(exchange).forEach(p -> problems.add(where(exchange) + ": " + p));
            }
        }
        assertTrue(replayed >= operations().size());
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void everyRefusalIsDocumented() throws Exception {
        List<String> problems = new ArrayList<>();
        for (DocumentedOperation op : operations()) {
            if (!op.needsKey()) {
                continue;
            }
            ExampleRequest example = ExampleRequest.of(op, new ServerIds()).getFirst();
            expect(401, send(example, Optional.empty(), Map.of()), problems);
            // The fixture's read-only key (workspace acme) carries users.track only; any-key routes take it.
            if (!(op.node().path("x-braze-permission").asText().equals("users.track")
                    || op.node().has("x-herald-access"))) {
                expect(403, send(example, Optional.of(GatewayFixture.RO_KEY), Map.of()), problems);
            }
            if (example.contentType().filter("application/json"::equals).isPresent()) {
                expect(400, send(example.withBody("{\"truncated\": "), Optional.of(DocumentedWorkspace.PROBE.key()),
                        Map.of()), problems);
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void examplesNamingWhatAWorkspaceLacksGetDocumentedAnswers() throws Exception {
        // The probe workspace has none of the dispatches, schedules, templates or Content Blocks the examples name
        // (the document's illustrative ids are sent as they are): whatever Herald answers must be documented.
        List<String> problems = new ArrayList<>();
        for (DocumentedOperation op : operations()) {
            if (op.needsKey()) {
                for (ExampleRequest example : ExampleRequest.of(op, new ServerIds())) {
                    answerProblems(send(example, Optional.of(DocumentedWorkspace.PROBE.key()), Map.of()), problems);
                }
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void idempotentReplaysAndReusedKeysAreDocumented() throws Exception {
        List<String> problems = new ArrayList<>();
        for (DocumentedOperation op : operations()) {
            if (!op.takesIdempotencyKey()) {
                continue;
            }
            ExampleRequest example = ExampleRequest.of(op, new ServerIds()).getFirst();
            Optional<String> key = Optional.of(DocumentedWorkspace.PROBE.key());
            Map<String, String> idempotency = Map.of("Idempotency-Key", "openapi-" + op.operationId());
            OpenApiContract.Exchange first = send(example, key, idempotency);
            OpenApiContract.Exchange again = send(example, key, idempotency);
            answerProblems(first, problems);
            answerProblems(again, problems);
            if (first.status() < 300) { // only a success is remembered: a refusal may be retried with a fixed body
                boolean replayed = again.headers().getOrDefault("idempotent-replayed", List.of()).contains("true");
                if (again.status() != first.status() || !replayed) {
                    problems.add(where(again) + ": a repeated Idempotency-Key should be answered from the store");
                }
                String other = example.body().map(b -> b.equals("{}") ? "{\"probe\": 1}" : "{}").orElse("{}");
                expect(422, send(example.withBody(other), key, idempotency), problems);
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void rateLimitedAnswersAreDocumented() throws Exception {
        List<String> problems = new ArrayList<>();
        int limited = 0;
        for (DocumentedOperation op : operations()) {
            if (!op.needsKey()) {
                continue;
            }
            ExampleRequest example = ExampleRequest.of(op, new ServerIds()).getFirst();
            for (int i = 0; i < 2; i++) { // every limit of the workspace is 1: the second of each class is refused
                var exchange = send(example, Optional.of(DocumentedWorkspace.TINY.key()), Map.of());
                limited += exchange.status() == 429 ? 1 : 0;
                answerProblems(exchange, problems);
            }
        }
        assertTrue(limited > operations().size(), "most requests should have been refused, " + limited + " were");
        assertEquals("", String.join("\n", problems));
    }

    private static List<DocumentedOperation> operations() {
        return DocumentedOperation.all(served.json());
    }

    private static void expect(int status, OpenApiContract.Exchange exchange, List<String> problems) {
        if (exchange.status() != status) {
            problems.add(where(exchange) + ": expected " + status + ", got " + exchange.status() + " "
                    + exchange.body());
        }
        answerProblems(exchange, problems);
    }

    private static void answerProblems(OpenApiContract.Exchange exchange, List<String> problems) {
        contract().answerProblems(exchange).forEach(p -> problems.add(where(exchange) + ": " + p));
    }

    private static OpenApiContract.Exchange send(ExampleRequest request, Optional<String> key,
                                                 Map<String, String> headers) throws Exception {
        var b = HttpRequest.newBuilder(gw.url(request.target())).timeout(Duration.ofSeconds(30));
        key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
        request.contentType().ifPresent(t -> b.header("Content-Type", t));
        headers.forEach(b::header);
        b.method(request.operation().method(), request.body().map(HttpRequest.BodyPublishers::ofString)
                .orElse(HttpRequest.BodyPublishers.noBody()));
        GatewayFixture.Response r = gw.send(b.build());
        return new OpenApiContract.Exchange(request, key, headers, r.status(), r.headers().map(), r.raw());
    }

    private static String where(OpenApiContract.Exchange e) {
        String answer = e.body().length() <= 400 ? e.body() : e.body().substring(0, 400) + "...";
        return e.request().operation().route() + " [" + e.request().name() + "] " + e.request().target()
                + " (key " + e.key().orElse("none") + ", answered " + e.status() + " " + answer + ")";
    }
}
