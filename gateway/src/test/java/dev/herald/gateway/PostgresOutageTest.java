package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.PostgresServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL lost while Herald runs: accepts answer 503 with a JSON body and {@code Retry-After} and keep nothing,
 * the node stays up, and once the server is back accepts succeed and deliveries resume, without a restart.
 */
final class PostgresOutageTest {
    @TempDir
    Path dir;

    @Test
    void acceptsAnswer503WhileThePostgresIsGoneAndDeliveriesResumeWhenItIsBack() throws Exception {
        try (var pg = PostgresServerProcess.start(); var peer = new HttpPeer()) {
            String store = "store: { kind: postgres, url: \"" + pg.createDatabase() + "\", user: "
                    + PostgresServerProcess.USER + ", password: \"" + PostgresServerProcess.PASSWORD
                    + "\", pool: 4, lease: 2s }";
            var config = ConfigLoader.parse(GatewayFixture.yaml(store, ""), SecretResolver.withEnvironment(Map.of()));
            try (var gw = GatewayFixture.start(dir, config, Herald.Overrides.none())) {
                String before = gw.accept(GatewayFixture.webhookSend("u1", peer.url("/h"), "before"));
                gw.awaitStatus(before, s -> GatewayFixture.allDeliveries(s, "delivered"));

                pg.stop();
                var refused = gw.post("/messages/send", KEY, GatewayFixture.webhookSend("u2", peer.url("/h"), "lost"));
                assertEquals(503, refused.status(), refused.raw());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
                assertTrue(refused.message().contains("could not be stored"), refused.raw());
                var notReady = readyz(gw);
                assertEquals(503, notReady.statusCode(), notReady.body());
                assertTrue(notReady.body().contains("the journal cannot write: PostgreSQL at"), notReady.body());

                pg.restart();
                String after = Eventually.await(Duration.ofSeconds(30), () -> {
                    try {
                        var r = gw.post("/messages/send", KEY, GatewayFixture.webhookSend("u3", peer.url("/h"),
                                "after"));
                        return r.status() == 201 ? r.json().path("dispatch_id").asText() : "";
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }, id -> !id.isEmpty());
                gw.awaitStatus(after, s -> GatewayFixture.allDeliveries(s, "delivered"));
                Eventually.until(Duration.ofSeconds(10), "ready again once there is room for a batch",
                        () -> readyz(gw).statusCode() == 200);
                assertEquals(0, peer.received().stream().filter(r -> r.body().contains("lost")).count(),
                        "the refused send was not kept");
            }
        }
    }

    private static HttpResponse<String> readyz(GatewayFixture gw) {
        try (var http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.herald.opsPort() + "/readyz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError("the ops port did not answer", e);
        }
    }
}
