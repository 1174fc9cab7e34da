package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop and the command line: graceful shutdown, the store lock, the SSRF default, the embedded key. */
final class LifecycleTest {
    @TempDir
    Path dir;

    @Test
    void aGracefulStopLetsARunningSendFinishAndRecordsIt() throws Exception {
        var arrived = new CountDownLatch(1);
        try (var peer = new HttpPeer()) {
            peer.answer(ex -> {
                arrived.countDown();
                try {
                    // A target still answering while Herald stops: the stop must wait for it, so it takes a while.
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                HttpPeer.reply(ex, 200, Map.of(), "{}");
            });
            String id;
            try (var gw = GatewayFixture.start(dir)) {
                id = gw.accept(GatewayFixture.webhookSend("u1", peer.url("/slow"), "x"));
                assertTrue(arrived.await(20, TimeUnit.SECONDS));
            } // close() while the target is still answering
            try (var gw = GatewayFixture.start(dir)) {
                var status = gw.status(id);
                assertEquals("delivered", status.path("deliveries").get(0).path("status").asText(), status.toString());
            }
            assertEquals(1, peer.received().size(), "the finished send is not repeated after the restart");
        }
    }

    @Test
    void readinessAndHealthAnswerOnTheOpsPort() throws Exception {
        try (var gw = GatewayFixture.start(dir)) {
            var http = HttpClient.newHttpClient();
            for (String path : new String[] {"/healthz", "/readyz"}) {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.herald.opsPort() + path))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertTrue(r.body().startsWith("{\"status\":"), r.body());
            }
        }
    }

    @Test
    void aSecondProcessOnTheSameStoreExitsWithAClearMessage() throws Exception {
        try (var gw = GatewayFixture.start(dir)) {
            Path config = dir.resolve("second.yaml");
            Files.writeString(config, GatewayFixture.yaml(dir, ""));
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process second = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    HeraldMain.class.getName(), "--config", config.toString()).redirectErrorStream(true).start();
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, second.exitValue(), output);
            assertTrue(output.contains("herald: store ") && output.contains("is in use by another Herald process"),
                    output);
        }
    }

    @Test
    void aGracefulStopBySigtermExitsZero() throws Exception {
        Path config = dir.resolve("term.yaml");
        Files.writeString(config, GatewayFixture.yaml(dir, ""));
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"), HeraldMain.class.getName(),
                "--config", config.toString()).redirectErrorStream(true).start();
        var output = new StringBuffer();
        var reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.append(line).append('\n');
                }
            } catch (java.io.IOException e) {
                // the process went away
            }
        });
        dev.herald.testkit.Eventually.until(java.time.Duration.ofSeconds(60), "Herald ready",
                () -> output.indexOf("Herald ready") >= 0);
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        reader.join(5000);
        assertEquals(0, p.exitValue(), "a clean stop exits 0: " + output);
    }

    @Test
    void aBadConfigFailsAtStartNamingTheKey() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, GatewayFixture.yaml(dir, "").replace("max_body: 64KiB", "max_body: lots"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HeraldMain.class.getName(),
                "--config", config.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.startsWith("herald: configuration error: server.max_body: must be a size"), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
    }

    @Test
    void privateWebhookTargetsAreRefusedByDefault() throws Exception {
        try (var peer = new HttpPeer()) {
            var config = ConfigLoader.parse(GatewayFixture.yaml(dir, "").replace("allow_private_networks: true",
                    "allow_private_networks: false"), SecretResolver.withEnvironment(Map.of()));
            try (var gw = GatewayFixture.start(dir, config, Herald.Overrides.none())) {
                String id = gw.accept(GatewayFixture.webhookSend("u1", peer.url("/internal"), "x"));
                var status = gw.awaitStatus(id, s -> GatewayFixture.allDeliveries(s, "failed"));
                assertTrue(status.path("deliveries").get(0).path("last_error").asText()
                        .contains("127.0.0.1 is a loopback address"), status.toString());
            }
            assertEquals(0, peer.received().size());
        }
    }

    @Test
    void theEmbeddedDefaultPrintsItsKeyOnceAndKeepsOnlyTheHash() throws Exception {
        Path hashFile = dir.resolve("data/default-api-key.sha256");
        var first = new ByteArrayOutputStream();
        var config = HeraldMain.embeddedDefault(hashFile, new PrintStream(first, true, StandardCharsets.UTF_8));
        String printed = first.toString(StandardCharsets.UTF_8);
        String key = printed.lines().map(String::trim).filter(l -> l.startsWith("hk_")).findFirst().orElseThrow();
        String stored = Files.readString(hashFile).trim();
        assertEquals(dev.herald.gateway.auth.ApiKeyAuthenticator.sha256Hex(key), stored);
        assertFalse(Files.readString(hashFile).contains(key));
        assertTrue(config.workspaces().get(0).sandbox());

        var second = new ByteArrayOutputStream();
        HeraldMain.embeddedDefault(hashFile, new PrintStream(second, true, StandardCharsets.UTF_8));
        assertFalse(second.toString(StandardCharsets.UTF_8).contains("hk_"), "the key is shown only once");
    }

    @Test
    void theEmbeddedDefaultAcceptsASendInTheSandbox() throws Exception {
        var out = new ByteArrayOutputStream();
        var embedded = HeraldMain.embeddedDefault(dir.resolve("data/key.sha256"), new PrintStream(out, true,
                StandardCharsets.UTF_8));
        String key = out.toString(StandardCharsets.UTF_8).lines().map(String::trim).filter(l -> l.startsWith("hk_"))
                .findFirst().orElseThrow();
        var config = new dev.herald.config.HeraldConfig(
                new dev.herald.config.ServerConfig("127.0.0.1", 0, 0, 1 << 20, java.util.Optional.empty(),
                        java.time.Duration.ofSeconds(5)),
                new dev.herald.config.StoreConfig(dev.herald.config.StoreConfig.Kind.SQLITE, dir.resolve("e.db"), 100,
                        java.time.Duration.ofDays(1)),
                embedded.webhook(), embedded.delivery(), embedded.ratelimit(), embedded.workspaces(),
                dev.herald.config.LogConfig.defaults());
        try (var gw = GatewayFixture.start(dir, config, Herald.Overrides.none())) {
            var r = gw.post("/messages/send", key, GatewayFixture.webhookSend("u1", URI.create("https://x.example/h"),
                    "hello"));
            assertEquals(201, r.status(), r.raw());
            var status = gw.get("/herald/v1/dispatches/" + r.json().path("dispatch_id").asText(), key);
            assertEquals(200, status.status());
        }
        assertTrue(KEY.length() > 0);
    }
}
