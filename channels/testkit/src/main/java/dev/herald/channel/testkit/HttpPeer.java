package dev.herald.channel.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on 127.0.0.1:0 standing in for a webhook target or a provider's REST API: it records every
 * request and answers as the test scripts it (200 {@code {}} by default). Built on the JDK's own HTTP server.
 */
public final class HttpPeer implements AutoCloseable {
    /** One recorded request. */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
        /** The first value of a header, case-insensitively, or null. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** Answers one exchange. */
    public interface Responder {
        /** Writes the response (see {@link HttpPeer#reply}). */
        void respond(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Responder responder = ex -> reply(ex, 200, Map.of(), "{}");

    /** Starts the peer on any free port. */
    public HttpPeer() throws IOException {
        this(0);
    }

    /** Starts the peer on {@code port} (0 = any free port), e.g. to bring a target back where it was. */
    public HttpPeer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        executor = Executors.newCachedThreadPool(Thread.ofPlatform().daemon(true).name("http-peer-", 1).factory());
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    Map.copyOf(ex.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
            responder.respond(ex);
        });
        server.start();
    }

    /**
     * Holds a request until the test opens {@code release} (at most {@code limit}): a peer that does not answer in
     * time. An interrupt ends the wait early and is kept.
     */
    public static void awaitRelease(java.util.concurrent.CountDownLatch release, java.time.Duration limit) {
        try {
            release.await(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes a response with headers and a body and closes the exchange. */
    public static void reply(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    /** Answers every request with this status, headers and body. */
    public HttpPeer answer(int status, Map<String, String> headers, String body) {
        responder = ex -> reply(ex, status, headers, body);
        return this;
    }

    /** Answers every request with {@code r}. */
    public HttpPeer answer(Responder r) {
        responder = r;
        return this;
    }

    /** The URL of {@code path} on this peer. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request received so far. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Stops the peer. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
