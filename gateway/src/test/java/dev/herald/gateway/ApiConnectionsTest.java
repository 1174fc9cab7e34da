package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API port's connection handling, over raw sockets: idle connections are closed, a request that does not
 * arrive whole in time gets a 408, connections beyond the limit are closed at once while the ops port still
 * answers, a client that half-closes still gets its answer, and malformed request heads are a JSON 400. A scaled
 * down version of the reliability acceptance script's idle flood.
 */
final class ApiConnectionsTest {
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration REQUEST = Duration.ofSeconds(3);
    private static final int MAX_CONNECTIONS = 200;
    /** Generous: the machine running the tests may be busy; what matters is that the server closes at all. */
    private static final Duration SLACK = Duration.ofSeconds(4);
    private static final String ADMIN_KEY = "test-key-admin";
    private static final String SEND = "{\"external_user_ids\":[\"u1\"],\"messages\":{\"webhook\":"
            + "{\"url\":\"http://127.0.0.1:9/h\",\"request_method\":\"POST\"}}}";

    @TempDir
    static Path dir;
    private static GatewayFixture gw;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @BeforeAll
    static void start() throws Exception {
        String admin = """
                  - id: admin
                    api_keys: [ { name: admin, sha256: "%s", permissions: [herald.admin] } ]
                """.formatted(ApiKeyAuthenticator.sha256Hex(ADMIN_KEY));
        String yaml = GatewayFixture.withServerKeys(GatewayFixture.yaml(dir, admin),
                "idle_timeout: 2s, request_timeout: 3s, max_connections: " + MAX_CONNECTIONS);
        HeraldConfig config = ConfigLoader.parse(yaml, SecretResolver.withEnvironment(Map.of()));
        // The reload source is slow on purpose: a reload is a request Herald works on for longer than idle_timeout.
        gw = GatewayFixture.start(dir, config, Herald.Overrides.none(), () -> {
            try {
                Thread.sleep(IDLE.toMillis() + 1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return config;
        });
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void closesIdleConnectionsWhileTheOpsPortAnswers() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS * 3 / 4; i++) {
                idle.add(connect());
            }
            assertEquals(200, healthz(), "/healthz during the flood");
            long deadline = System.nanoTime() + IDLE.plus(SLACK).toNanos();
            int closed = 0;
            for (Socket s : idle) {
                closed += closedByServerBefore(s, deadline) ? 1 : 0;
            }
            assertEquals(idle.size(), closed, "idle connections closed by the server");
        } finally {
            closeAll(idle);
        }
        assertEquals(201, gw.post("/messages/send", KEY, SEND).status(), "a send after the flood");
    }

    @Test
    void closesAKeepAliveConnectionThatIdlesBetweenRequests() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(request("GET /nope HTTP/1.1", "", null));
            assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 404"));
            assertTrue(closedByServerBefore(s, System.nanoTime() + IDLE.plus(SLACK).toNanos()),
                    "the connection stayed open after the response");
        }
    }

    @Test
    void keepsAConnectionWhoseRequestHeraldIsStillAnswering() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(request("POST /herald/v1/admin/reload HTTP/1.1",
                    "Authorization: Bearer " + ADMIN_KEY + "\r\n", ""));
            s.setSoTimeout((int) IDLE.plus(SLACK).plusSeconds(3).toMillis());
            String answer = readResponse(s.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void answers408ToHeadersThatStopHalfway() throws Exception {
        assertTimesOut("POST /messages/send HTTP/1.1\r\nHost: x\r\nContent-Ty");
    }

    @Test
    void answers408ToABodyShorterThanItsContentLength() throws Exception {
        assertTimesOut("POST /messages/send HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"external_user_ids\":");
    }

    @Test
    void answers408ToAChunkedBodyThatStopsBeforeItsLastChunk() throws Exception {
        assertTimesOut("POST /messages/send HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"ext\r\n");
    }

    @Test
    void closesConnectionsBeyondTheLimitAtOnceAndCountsThem() throws Exception {
        // Connections of earlier tests (the fixture's client keeps some alive) are closed once idle.
        Eventually.await(Duration.ofSeconds(10), () -> metric("herald_http_connections", "api"), open -> open == 0);
        double rejectedBefore = metric("herald_http_connections_rejected_total", "api");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS + 20; i++) {
                sockets.add(connect());
            }
            assertEquals(200, healthz(), "/healthz at the connection limit");
            Eventually.await(Duration.ofSeconds(10),
                    () -> metric("herald_http_connections_rejected_total", "api") - rejectedBefore,
                    rejected -> rejected == 20);
            // Which twenty were rejected depends on the order the event loops took them in; all twenty are closed
            // already, long before idle_timeout closes the others.
            long now = System.nanoTime();
            int closed = 0;
            for (Socket s : sockets) {
                closed += closedByServerBefore(s, now) ? 1 : 0;
            }
            assertTrue(closed >= 20, closed + " connections closed, expected the 20 beyond the limit");
        } finally {
            closeAll(sockets);
        }
        Eventually.await(Duration.ofSeconds(10), () -> metric("herald_http_connections", "api"),
                open -> open < MAX_CONNECTIONS);
        assertEquals(201, gw.post("/messages/send", KEY, SEND).status(), "a send once connections were freed");
    }

    @Test
    void answersAClientThatHalfClosesAfterItsRequest() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(request("POST /messages/send HTTP/1.1", "Authorization: Bearer " + KEY + "\r\n",
                    SEND));
            s.shutdownOutput();
            String answer = readUntilClosed(s, Duration.ofSeconds(10));
            assertTrue(answer.startsWith("HTTP/1.1 201"), "answer to a half-closed request: " + answer);
            assertTrue(answer.contains("\"dispatch_id\""), answer);
        }
    }

    @Test
    void rejectsTwoAuthorizationHeadersWithJson400() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(request("POST /messages/send HTTP/1.1", "Authorization: Bearer " + KEY
                    + "\r\nAuthorization: Bearer " + KEY + "\r\nConnection: close\r\n", SEND));
            String answer = readUntilClosed(s, Duration.ofSeconds(10));
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("{\"message\":\"Bad Request: more than one Authorization header"), answer);
        }
    }

    @Test
    void rejectsAnUnknownHttpVersionWithJson400() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(request("POST /messages/send HTTP/7.9", "Authorization: Bearer " + KEY + "\r\n",
                    SEND));
            String answer = readUntilClosed(s, Duration.ofSeconds(10));
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("{\"message\":\"Bad Request: unsupported HTTP version HTTP/7.9"), answer);
        }
    }

    /** Sends {@code partial} and expects a JSON 408 and the connection closed, after request_timeout. */
    private static void assertTimesOut(String partial) throws IOException {
        try (Socket s = connect()) {
            long start = System.nanoTime();
            s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
            String answer = readUntilClosed(s, REQUEST.plus(SLACK));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("{\"message\":\"Request Timeout"), answer);
            assertTrue(took.compareTo(REQUEST.minusMillis(500)) >= 0,
                    "answered after " + took + ", before request_timeout");
        }
    }

    private static Socket connect() throws IOException {
        return new Socket("127.0.0.1", gw.herald.apiPort());
    }

    private static byte[] request(String line, String headers, String body) {
        StringBuilder b = new StringBuilder(line).append("\r\nHost: 127.0.0.1\r\n").append(headers);
        if (body != null) {
            b.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
        } else {
            b.append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Everything the server sends until it closes; fails if it has not closed within {@code limit}. */
    private static String readUntilClosed(Socket s, Duration limit) throws IOException {
        s.setSoTimeout((int) limit.toMillis());
        var out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("the server neither answered nor closed within " + limit + "; received: "
                    + out.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One response: its head, then as many body bytes as its Content-Length says. */
    private static String readResponse(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                fail("closed in the middle of a response: " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return text + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection (end of stream or reset) before {@code deadline}. */
    private static boolean closedByServerBefore(Socket s, long deadlineNanos) throws IOException {
        long left = Math.max(1, Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis());
        s.setSoTimeout((int) left);
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    private static int healthz() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(ops("/healthz")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A value from the ops port's Prometheus scrape, for the meter with {@code listener="..."}; 0 when absent. */
    private static double metric(String name, String listener) {
        try {
            String scrape = http.send(HttpRequest.newBuilder(ops("/metrics")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*listener=\"" + listener + "\"[^}]*} (\\S+)$")
                    .matcher(scrape);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (IOException e) {
            throw new AssertionError("the ops port did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static URI ops(String path) {
        return URI.create("http://127.0.0.1:" + gw.herald.opsPort() + path);
    }
}
