package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Permissions;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /herald/v1/openapi.json} tells the truth, so it cannot drift from the code: the document parses without
 * a single message; it documents exactly the routes Herald serves, each with the permission its route asks for; and
 * every operation's example, replayed against a running Herald in the document's order, gets the status the
 * document expects, with a request and an answer (body and headers) that the document describes.
 *
 * <p>A new endpoint fails the second test until it is documented in {@code openapi.yaml} (the one place to do it)
 * with an example that the third test can replay.
 */
final class OpenApiTest {
    private static Path dir;
    private static GatewayFixture gw;
    private static GatewayFixture.Response served;
    private static OpenApiContract contract;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("herald-openapi");
        HeraldConfig running = config(List.copyOf(new TreeSet<>(Permissions.KNOWN))); // a key that may call anything
        gw = GatewayFixture.start(dir, running, Herald.Overrides.none(), () -> running);
        served = gw.get("/herald/v1/openapi.json", null);
        contract = new OpenApiContract(served.raw());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private static HeraldConfig config(List<String> permissions) {
        return ConfigLoader.parse(GatewayFixture.yaml(dir, DocumentedWorkspace.yaml(permissions)),
                SecretResolver.withEnvironment(Map.of()));
    }


    @Test
    void isServedToAnyoneAsJson() {
        assertEquals(200, served.status(), served.raw());
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
        var routes = new TreeSet<String>();
        List<String> problems = new ArrayList<>();
        var documented = new java.util.HashMap<String, DocumentedOperation>();
        DocumentedOperation.all(contract.document()).forEach(op -> documented.put(op.route(), op));
        for (Endpoint e : gw.herald.endpoints()) {
            String route = e.method() + " " + e.pattern();
            routes.add(route);
            DocumentedOperation op = documented.get(route);
            if (op == null) {
                problems.add(route + " is served but not documented in openapi.yaml");
                continue;
            }
            problems.addAll(OperationAccess.problems(e.access(), op));
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
        for (DocumentedOperation op : DocumentedOperation.all(contract.document())) {
            for (ExampleRequest request : ExampleRequest.of(op, ids)) {
                OpenApiContract.Exchange exchange = send(request);
                replayed++;
                ids.remember(Json.parseOrEmpty(exchange.body()));
                String where = op.route() + " [" + request.name() + "] " + request.target();
                if (exchange.status() != op.exampleStatus()) {
                    problems.add(where + ": expected " + op.exampleStatus() + ", got " + exchange.status() + " "
                            + exchange.body());
                }
                contract.problems(exchange).forEach(p -> problems.add(where + ": " + p + "\n    answer: "
                        + abbreviate(exchange.body())));
            }
        }
        assertTrue(replayed > 0);
        assertEquals("", String.join("\n", problems));
    }

    private static OpenApiContract.Exchange send(ExampleRequest request) throws Exception {
        var b = HttpRequest.newBuilder(gw.url(request.target())).timeout(Duration.ofSeconds(30));
        boolean withKey = request.operation().needsKey();
        if (withKey) {
            b.header("Authorization", "Bearer " + DocumentedWorkspace.KEY);
        }
        request.contentType().ifPresent(t -> b.header("Content-Type", t));
        b.method(request.operation().method(), request.body().map(HttpRequest.BodyPublishers::ofString)
                .orElse(HttpRequest.BodyPublishers.noBody()));
        GatewayFixture.Response r = gw.send(b.build());
        return new OpenApiContract.Exchange(request, withKey, r.status(), r.headers().map(), r.raw());
    }

    private static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }
}
