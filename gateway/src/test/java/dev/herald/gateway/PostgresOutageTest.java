package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.PostgresServerProcess;
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
                assertEquals(0, peer.received().stream().filter(r -> r.body().contains("lost")).count(),
                        "the refused send was not kept");
            }
        }
    }
}
