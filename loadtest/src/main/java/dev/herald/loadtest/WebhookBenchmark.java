package dev.herald.loadtest;

import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * End-to-end webhooks: {@code POST /messages/send} with a {@code webhook} message to {@code --recipients} users
 * (default 50, Braze's most per request), from Herald's durable accept to the request answered by a loopback
 * {@link HttpSink}, beside the JDK's {@link HttpClient} sending the same requests to the same sink
 * ({@link HttpClientCeiling}) in the same run. Herald runs from its jar in its own JVM with a real (non-sandbox)
 * workspace and {@code webhook.allow_private_networks} so it may reach 127.0.0.1. Rounds as in
 * {@link EndToEnd}.
 */
final class WebhookBenchmark {
    private static final String KEY = "webhook-bench-key";
    static final String PATH = "/hook";
    static final String PAYLOAD = "{\"order\":42,\"status\":\"shipped\"}";

    private WebhookBenchmark() {
    }

    static void run(AcceptBenchmark.Options o, int users, int perRequest, int maxInFlight) throws Exception {
        Path dir = Files.createTempDirectory("herald-bench-webhook");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<CeilingLoop.Result> raw = new ArrayList<>();
        List<EndToEnd.HeraldRound> herald = new ArrayList<>();
        String benchRss;
        String heraldRss;
        try (var sink = new HttpSink();
             var gateway = AcceptBenchmark.startWith(o, java, dir.resolve("herald"), workspace());
             var client = new HttpClientCeiling(sink, PATH, PAYLOAD, maxInFlight)) {
            List<String> bodies = IntStream.range(0, Math.max(1, users / perRequest))
                    .mapToObj(i -> sendBody(sink.port(), i * perRequest, perRequest, users)).toList();
            System.out.println("warming up");
            client.run(o.warmup(), Duration.ofSeconds(1), o.maxRequests());
            long base = sink.accepted();
            var warm = new LoadGenerator(gateway.port(), o.connections(), "/messages/send", KEY, bodies)
                    .run(o.warmup(), Duration.ofSeconds(1), o.maxRequests());
            if (!sink.awaitAccepted(base + warm.accepted() * perRequest, EndToEnd.DRAIN_LIMIT)) {
                System.out.println("(warm-up webhooks not all delivered within " + EndToEnd.DRAIN_LIMIT + ")");
            }
            for (int round = 1; round <= o.rounds(); round++) {
                var r = client.run(Duration.ZERO, o.measure(), o.maxRequests());
                raw.add(r);
                System.out.printf("round %d raw httpclient %10.0f webhooks/s  p99 %.2f ms  failed %d%n", round,
                        r.throughput(), r.p99Micros() / 1000, r.failed());
                var h = EndToEnd.herald(sink, gateway, null, o, KEY, bodies, perRequest);
                herald.add(h);
                System.out.printf("round %d herald        %10.0f webhooks/s  %8.0f req/s  p99 %.2f ms  errors %d  "
                                + "delivered %d of %d  drain %.1f s%s  cpu: herald %.2f + bench %.2f cores%n", round,
                        h.deliveriesPerSecond(), h.load().throughput(), h.load().p99Micros() / 1000,
                        h.load().errors(), h.delivered(), h.expected(), h.drain().toMillis() / 1000.0,
                        h.drained() ? "" : " (drain limit hit)", h.heraldCores(), h.benchCores());
            }
            benchRss = ChildProcess.rss(ProcessHandle.current().pid());
            heraldRss = gateway.child().rss();
        }
        var rawMedian = raw.stream().sorted(Comparator.comparingDouble(CeilingLoop.Result::throughput)).toList()
                .get(raw.size() / 2);
        print(o, perRequest, maxInFlight, rawMedian, EndToEnd.median(herald), benchRss, heraldRss);
    }

    /** A real workspace allowed to reach loopback targets, with limits so high nothing is refused. */
    private static String workspace() {
        return """
                webhook: { allow_private_networks: true }
                workspaces:
                  - id: hooks
                    api_keys: [ { name: hooks, sha256: "%s", permissions: [messages.send] } ]
                    limits: { hourly: 1000000000, burst_per_second: 1000000000 }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY));
    }

    /** A webhook send to {@code count} users from {@code first} on (wrapping at {@code users}). */
    private static String sendBody(int port, int first, int count, int users) {
        var ids = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ids.append(i == 0 ? "\"" : ",\"").append("hook-user-").append((first + i) % users).append('"');
        }
        return "{\"external_user_ids\":[" + ids + "],\"messages\":{\"webhook\":{\"url\":\"http://127.0.0.1:" + port
                + PATH + "\",\"request_method\":\"POST\",\"request_headers\":{\"Content-Type\":\"application/json\"},"
                + "\"body\":\"" + PAYLOAD.replace("\"", "\\\"") + "\"}}}";
    }

    private static void print(AcceptBenchmark.Options o, int perRequest, int maxInFlight, CeilingLoop.Result raw,
                              EndToEnd.HeraldRound herald, String benchRss, String heraldRss) {
        System.out.printf("%nwebhook benchmark: POST /messages/send, webhook to %d user(s) per request, %d keep-alive "
                        + "connections; raw HttpClient with %d in flight; both to one loopback HTTP sink (1 I/O thread, "
                        + "answers 200); %ds warm-up + %ds measured; %d round(s), median shown; JDK %s, %d cores%n",
                perRequest, o.connections(), maxInFlight, o.warmup().toSeconds(), o.measure().toSeconds(),
                o.rounds(), Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf("%-26s %11s %10s %9s %9s %8s  %s%n", "", "webhooks/s", "req/s", "p50 ms", "p99 ms",
                "errors", "RSS");
        System.out.printf("%-26s %11.0f %10s %9.2f %9.2f %8d  %s (bench process: sink, client, driver)%n",
                "raw httpclient (ceiling)", raw.throughput(), "-", raw.p50Micros() / 1000, raw.p99Micros() / 1000,
                raw.failed(), benchRss);
        var load = herald.load();
        System.out.printf("%-26s %11.0f %10.0f %9.2f %9.2f %8d  %s (herald)%n", "herald (accept to sink)",
                herald.deliveriesPerSecond(), load.throughput(), load.p50Micros() / 1000, load.p99Micros() / 1000,
                load.errors(), heraldRss);
        System.out.printf("herald: %d of %d accepted webhooks delivered in %.1f s (%.1f s after the load stopped); "
                        + "cpu %.2f cores herald + %.2f cores bench process%n", herald.delivered(), herald.expected(),
                herald.endToEnd().toMillis() / 1000.0, herald.drain().toMillis() / 1000.0, herald.heraldCores(),
                herald.benchCores());
        System.out.println("latency: raw httpclient = request to the sink's answer; herald = POST /messages/send to "
                + "its 2xx (durable accept)");
        System.out.printf("ratio herald / raw httpclient: %.2f (goal >= 0.50)%n",
                herald.deliveriesPerSecond() / raw.throughput());
    }
}
