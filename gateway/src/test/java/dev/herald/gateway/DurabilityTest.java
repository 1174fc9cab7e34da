package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.testkit.Eventually;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing accepted is lost: sends accepted while the target is down survive a graceful stop and a hard
 * kill, and are delivered once the target is back, each under a webhook-id that never changes.
 */
final class DurabilityTest {
    private static final int N = 20;
    private static final Pattern MARK = Pattern.compile("dur-\\d+");

    @TempDir
    Path dir;

    @Test
    void acceptedSendsSurviveAGracefulRestart() throws Exception {
        int port = freePort();
        try (var gw = GatewayFixture.start(dir)) {
            for (int i = 0; i < N; i++) {
                gw.accept(GatewayFixture.webhookSend("u" + i, URI.create("http://127.0.0.1:" + port + "/d"), "dur-" + i));
            }
        }
        try (var peer = new HttpPeer(port); var gw = GatewayFixture.start(dir)) {
            awaitAllDelivered(peer);
        }
    }

    @Test
    void acceptedSendsSurviveKillMinusNine() throws Exception {
        int port = freePort();
        int api = freePort();
        int ops = freePort();
        Path config = dir.resolve("herald.yaml");
        Files.writeString(config, GatewayFixture.yaml(dir, "").replace("port: 0, ops_port: 0",
                "port: " + api + ", ops_port: " + ops));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HeraldMain.class.getName(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            awaitReady(http, ops, child);
            for (int i = 0; i < N; i++) {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/messages/send"))
                        .header("Authorization", "Bearer " + KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(GatewayFixture.webhookSend("u" + i,
                                URI.create("http://127.0.0.1:" + port + "/d"), "dur-" + i)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, r.statusCode(), r.body());
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        try (var peer = new HttpPeer(port); var gw = GatewayFixture.start(dir)) {
            awaitAllDelivered(peer);
        }
    }

    private static void awaitReady(HttpClient http, int ops, Process child) {
        Eventually.until(Duration.ofSeconds(60), "the child Herald is ready", () -> {
            assertTrue(child.isAlive(), "the child Herald exited");
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException notYet) {
                return false; // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    private static void awaitAllDelivered(HttpPeer peer) {
        Map<String, Set<String>> ids = Eventually.await(Duration.ofSeconds(60), () -> {
            Map<String, Set<String>> seen = new HashMap<>();
            for (var r : peer.received()) {
                Matcher m = MARK.matcher(r.body());
                if (m.find()) {
                    seen.computeIfAbsent(m.group(), k -> new HashSet<>()).add(r.header("webhook-id"));
                }
            }
            return seen;
        }, seen -> seen.size() == N);
        assertEquals(N, ids.size(), "delivered: " + ids.keySet());
        List<String> all = new ArrayList<>();
        ids.values().forEach(v -> {
            assertEquals(1, v.size(), "one webhook-id per message across retries and restarts: " + v);
            all.addAll(v);
        });
        assertEquals(N, new HashSet<>(all).size(), "each message has its own webhook-id");
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
