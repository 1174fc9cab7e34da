package dev.herald.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * The webhook benchmark's ceiling: the JDK's {@link HttpClient} (HTTP/1.1, keep-alive) sending the request Herald
 * sends for each delivery (same method, path, headers and body, a fresh {@code webhook-id}) to the same sink, with
 * at most {@code maxInFlight} outstanding.
 */
final class HttpClientCeiling implements AutoCloseable {
    private final HttpSink sink;
    private final HttpClient client;
    private final URI target;
    private final String body;
    private final int maxInFlight;

    HttpClientCeiling(HttpSink sink, String path, String body, int maxInFlight) {
        this.sink = sink;
        this.target = URI.create("http://127.0.0.1:" + sink.port() + path);
        this.body = body;
        this.maxInFlight = maxInFlight;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    CeilingLoop.Result run(Duration warmup, Duration measure, long max) throws InterruptedException {
        return CeilingLoop.run("raw HttpClient", sink, maxInFlight, i -> client
                .sendAsync(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("webhook-id", UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() / 100 == 2), warmup, measure, max);
    }

    @Override
    public void close() {
        client.close();
    }
}
