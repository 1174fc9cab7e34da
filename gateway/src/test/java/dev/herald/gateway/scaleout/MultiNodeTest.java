package dev.herald.gateway.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.gateway.HeraldMain;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.gateway.json.Json;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.PostgresServerProcess;
import dev.herald.testkit.RedisServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Herald processes on one PostgreSQL journal and one Redis, started with the same command line as
 * {@code bin/herald} and the compose file. Sends are spread over the nodes; one node is killed with SIGKILL while
 * it holds sends in flight (the webhook target holds every request until then) and stays down. Every accepted send
 * is delivered by the survivors once its lease lapses, duplicates are bounded by the dead node's in-flight sends and
 * carry the same delivery id, an {@code Idempotency-Key} used on two nodes is one dispatch, a schedule fires once,
 * and any node answers for any dispatch.
 */
final class MultiNodeTest {
    private static final String KEY = "multi-node-key";
    private static final int MAX_IN_FLIGHT = 16;
    private static final int PER_PHASE = 120;
    private static final Pattern MARK = Pattern.compile("(load|sched)-\\d+");

    @TempDir
    Path dir;
    private final List<Process> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stopNodes() {
        for (Process p : nodes) {
            p.destroyForcibly();
        }
    }

    private record Node(int api, int ops, Process process) {
    }

    @Test
    void nodesShareTheJournalAndSurviveOneBeingKilled() throws Exception {
        PostgresServerProcess pg = PostgresServerProcess.shared();
        String url = pg.createDatabase();
        var release = new CountDownLatch(1);
        try (var redis = RedisServerProcess.start(); var sink = new HttpPeer()) {
            sink.answer(ex -> {
                HttpPeer.awaitRelease(release, Duration.ofSeconds(60)); // in flight until the kill
                HttpPeer.reply(ex, 200, Map.of(), "{}");
            });
            List<Node> cluster = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                cluster.add(startNode("node-" + i, url, redis.uri()));
            }
            for (Node n : cluster) {
                awaitReady(n);
            }

            // An Idempotency-Key used on node 1, then on node 2: one dispatch.
            String idemBody = send("idem-1", sink);
            String first = post(cluster.get(1), "/messages/send", idemBody, "k-1").path("dispatch_id").asText();
            String again = post(cluster.get(2), "/messages/send", idemBody, "k-1").path("dispatch_id").asText();
            assertEquals(first, again);

            Map<String, String> accepted = new ConcurrentHashMap<>(); // body mark -> dispatch id
            load(cluster, 0, PER_PHASE, sink, accepted);
            assertEquals(PER_PHASE, accepted.size());
            // Every node is now holding sends in flight at the target; node 0 dies with its share.
            Eventually.until(Duration.ofSeconds(60), "the nodes have sends in flight",
                    () -> sink.received().size() >= 2 * MAX_IN_FLIGHT);
            Node dead = cluster.get(0);
            dead.process().destroyForcibly();
            assertTrue(dead.process().waitFor(30, TimeUnit.SECONDS));
            release.countDown();
            List<Node> alive = cluster.subList(1, 3);

            // A schedule created on node 1 after the kill fires once across the survivors.
            String at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS).toString();
            JsonNode schedule = post(alive.get(0), "/messages/schedule/create", """
                    {"external_user_ids":["s1"],"schedule":{"time":"%s"},"messages":{"webhook":{"url":"%s",
                     "request_method":"POST","body":"sched-1"}}}""".formatted(at, sink.url("/s")), null);
            accepted.put("sched-1", schedule.path("dispatch_id").asText());
            load(alive, PER_PHASE, 2 * PER_PHASE, sink, accepted);

            Map<String, Set<String>> ids = awaitDelivered(sink, accepted.keySet());
            int duplicates = 0;
            for (var e : ids.entrySet()) {
                assertEquals(1, e.getValue().size(), e.getKey() + " was sent under more than one delivery id");
            }
            Map<String, Integer> counts = counts(sink);
            for (int c : counts.values()) {
                duplicates += c - 1;
            }
            assertTrue(duplicates <= MAX_IN_FLIGHT, duplicates + " duplicates: more than the dead node had in flight");
            assertEquals(1, counts.get("sched-1"), "the schedule fired once");

            // Any node answers for a dispatch another node accepted (node 1's, read on node 2).
            JsonNode status = get(alive.get(1), "/herald/v1/dispatches/" + accepted.get("sched-1"));
            assertEquals("delivered", status.path("deliveries").path(0).path("status").asText(), status.toString());
        }
    }

    private Node startNode(String name, String url, URI redis) throws IOException {
        int api = RedisServerProcess.freePort();
        int ops = RedisServerProcess.freePort();
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: %d, ops_port: %d, shutdown_timeout: 5s }
                store: { kind: postgres, url: "%s", user: %s, password: "${env:HERALD_PG_PASSWORD}", pool: 6, lease: 2s }
                ratelimit: { backend: redis, uri: "%s", nodes: 3 }
                webhook: { allow_private_networks: true, connect_timeout: 1s, response_timeout: 90s }
                delivery: { retry_base: 100ms, retry_cap: 1s, poll_interval: 100ms, max_in_flight: %d }
                workspaces:
                  - id: acme
                    api_keys: [ { name: backend, sha256: "%s", permissions: [messages.send, messages.schedule.create] } ]
                """.formatted(api, ops, url, PostgresServerProcess.USER, redis, MAX_IN_FLIGHT,
                ApiKeyAuthenticator.sha256Hex(KEY)));
        String java = ProcessHandle.current().info().command().orElseThrow();
        var builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                HeraldMain.class.getName(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().put("HERALD_PG_PASSWORD", PostgresServerProcess.PASSWORD);
        Process p = builder.start();
        nodes.add(p);
        return new Node(api, ops, p);
    }

    private void awaitReady(Node n) {
        Eventually.until(Duration.ofSeconds(60), "node on " + n.api() + " is ready", () -> {
            assertTrue(n.process().isAlive(), "a node exited; see its log in " + dir);
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.ops() + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    private static String send(String mark, HttpPeer sink) {
        return """
                {"external_user_ids":["%s"],"messages":{"webhook":{"url":"%s","request_method":"POST","body":"%s"}}}"""
                .formatted("u-" + mark, sink.url("/l"), mark);
    }

    /** Sends marks {@code from}..{@code to} round-robin over {@code to} nodes, four at a time. */
    private void load(List<Node> over, int from, int to, HttpPeer sink, Map<String, String> accepted)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = from; i < to; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    String mark = "load-" + n;
                    JsonNode r = post(over.get(n % over.size()), "/messages/send", send(mark, sink), null);
                    accepted.put(mark, r.path("dispatch_id").asText());
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private JsonNode post(Node n, String path, String body, String idempotencyKey)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.api() + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return Json.parse(r.body());
    }

    private JsonNode get(Node n, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.api() + path))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.parse(r.body());
    }

    /** Waits until every mark has reached the sink; returns the delivery ids each came with. */
    private static Map<String, Set<String>> awaitDelivered(HttpPeer sink, Set<String> marks) {
        return Eventually.await(Duration.ofSeconds(90), () -> {
            Map<String, Set<String>> seen = new HashMap<>();
            for (var r : sink.received()) {
                Matcher m = MARK.matcher(r.body());
                if (m.find()) {
                    seen.computeIfAbsent(m.group(), k -> new HashSet<>()).add(r.header("webhook-id"));
                }
            }
            return seen;
        }, seen -> seen.keySet().containsAll(marks));
    }

    private static Map<String, Integer> counts(HttpPeer sink) {
        Map<String, Integer> counts = new HashMap<>();
        for (var r : sink.received()) {
            Matcher m = MARK.matcher(r.body());
            if (m.find()) {
                counts.merge(m.group(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
