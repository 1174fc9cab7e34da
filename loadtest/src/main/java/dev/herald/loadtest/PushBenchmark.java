package dev.herald.loadtest;

import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.testkit.ApnsPeer;
import dev.herald.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * End-to-end push throughput: {@code POST /messages/send} with an {@code apple_push} to {@code --recipients}
 * users (default 50, Braze's most per request; 1 is the transactional shape), each with one iOS token, from
 * Herald's durable accept to the notification accepted by Pushy's mock APNs server, beside raw
 * Pushy sending to the same mock server in the same run ({@link PushyCeiling}). Herald runs from its jar in its own
 * JVM with one non-sandbox workspace whose iOS app (token authentication, a fresh .p8 key) points at the mock, on
 * SQLite or ({@code --store postgres}) on a database of its own in a throw-away PostgreSQL server with fsync on.
 *
 * <p>One round: raw Pushy for the measured time, then Herald driven over keep-alive connections for the same time,
 * then waiting (at most {@link EndToEnd#DRAIN_LIMIT}) until every push of the requests Herald answered 2xx has reached
 * the mock. Herald's
 * push rate is every push the mock accepted for that round over the time from the first request to the last push's
 * arrival, so a backlog still queued when the load stops counts against it. Each side is warmed up once first;
 * Herald's warm-up deliveries are drained before the first round.
 */
final class PushBenchmark {
    private static final String KEY = "push-bench-key";
    private static final String TEAM_ID = "BENCHTEAM1";
    private static final String KEY_ID = "BENCHKEY01";
    private static final String TOPIC = "dev.herald.bench";
    private static final String APP_ID = "ios-bench";
    private static final String ALERT = "Your order #4711 has shipped";

    /** What one raw Pushy round measured, and the cores this process (client and mock server) kept busy. */
    record RawRound(CeilingLoop.Result result, double benchCores) {
    }

    private PushBenchmark() {
    }

    static void run(AcceptBenchmark.Options o, int users, int perRequest, int maxInFlight, HeraldStore.Kind store)
            throws Exception {
        Path dir = BenchDirectory.temporary("herald-bench-push");
        String java = ProcessHandle.current().info().command().orElse("java");
        ApnsPeer.Team team = ApnsPeer.Team.of(TEAM_ID, KEY_ID, TOPIC);
        Path p8 = team.writeKey(dir);
        List<String> tokens = IntStream.range(0, users).mapToObj(i -> deviceToken("bench-device-" + i)).toList();
        List<String> bodies = IntStream.range(0, Math.max(1, users / perRequest))
                .mapToObj(i -> sendBody(i * perRequest, perRequest, users)).toList();
        List<RawRound> raw = new ArrayList<>();
        List<EndToEnd.HeraldRound> herald = new ArrayList<>();
        String rawRss;
        String heraldRss;
        String storeDescription = null;
        // Accepts every notification without checking the provider token (verifying an ES256 signature per request
        // would load the shared cores) and only counts, on one I/O thread of its own: it shares the machine.
        // The PostgreSQL server, when there is one, is closed last (resources close in reverse), after Herald.
        try (var postgres = store == HeraldStore.Kind.POSTGRES ? BenchPostgres.start(dir.resolve("postgres.log"))
                : null;
             var mock = ApnsPeer.builder().withoutRecording().start();
             var gateway = AcceptBenchmark.startWith(o, java, dir.resolve("herald"),
                     postgres == null ? HeraldStore.sqlite(dir.resolve("herald").resolve("herald.db"))
                             : postgres.newDatabase(), workspace(mock, p8, maxInFlight));
             var pushy = new PushyCeiling(mock, team.signingKey(), TOPIC, tokens, payload(), maxInFlight)) {
            if (postgres != null) {
                storeDescription = postgres.describe();
                System.out.println("herald store: " + storeDescription + "; logs under " + dir);
            }
            register(gateway.port(), users);
            System.out.printf("registered %d users with one iOS token each; warming up%n", users);
            pushy.run(o.warmup(), Duration.ofSeconds(1), o.maxRequests());
            long base = mock.accepted();
            var warm = new LoadGenerator(gateway.port(), o.connections(), "/messages/send", KEY, bodies)
                    .run(o.warmup(), Duration.ofSeconds(1), o.maxRequests());
            if (!mock.awaitAccepted(base + warm.accepted() * perRequest, EndToEnd.DRAIN_LIMIT)) {
                System.out.println("(warm-up pushes not all delivered within " + EndToEnd.DRAIN_LIMIT + ")");
            }
            for (int round = 1; round <= o.rounds(); round++) {
                var r = raw(pushy, o);
                raw.add(r);
                System.out.printf("round %d raw pushy %10.0f pushes/s  p99 %.2f ms  failed %d  cpu: bench %.2f cores%n",
                        round, r.result().throughput(), r.result().p99Micros() / 1000, r.result().failed(),
                        r.benchCores());
                var h = EndToEnd.herald(apns(mock), gateway, postgres, o, KEY, bodies, perRequest);
                herald.add(h);
                System.out.printf("round %d herald    %10.0f pushes/s  %8.0f req/s  p99 %.2f ms  errors %d  "
                                + "delivered %d of %d  drain %.1f s%s  cpu: herald %.2f + bench %.2f cores%n", round,
                        h.deliveriesPerSecond(), h.load().throughput(), h.load().p99Micros() / 1000, h.load().errors(),
                        h.delivered(), h.expected(), h.drain().toMillis() / 1000.0,
                        h.drained() ? "" : " (drain limit hit)", h.heraldCores(), h.benchCores());
                if (postgres != null) {
                    System.out.printf("round %d postgres  cpu: %.2f cores%n", round, h.postgresCores());
                }
            }
            rawRss = ChildProcess.rss(ProcessHandle.current().pid());
            heraldRss = gateway.child().rss();
            if (postgres != null) {
                // Herald is still running: its backends report their counts about once a second, hence "about".
                var c = postgres.counters(gateway.store());
                storeDescription += "; its database since Herald started: about %d commits, %d rollbacks, %d deadlocks"
                        .formatted(c.commits(), c.rollbacks(), c.deadlocks());
            }
            if (mock.rejected() > 0) {
                System.out.println("(the mock server rejected " + mock.rejected() + " notifications)");
            }
        }
        print(o, users, perRequest, maxInFlight, median(raw), EndToEnd.median(herald), rawRss, heraldRss);
        if (storeDescription != null) {
            System.out.println("herald store: " + storeDescription + ", pool " + HeraldStore.POOL + " connections");
        }
        for (EndToEnd.HeraldRound round : herald) {
            if (!round.load().errorSamples().isEmpty()) {
                System.out.println("herald error answers (first distinct ones): " + round.load().errorSamples());
            }
        }
    }

    private static RawRound raw(PushyCeiling pushy, AcceptBenchmark.Options o) throws InterruptedException {
        Duration cpu = ChildProcess.cpu(ProcessHandle.current());
        long start = System.nanoTime();
        var result = pushy.run(Duration.ZERO, o.measure(), o.maxRequests());
        return new RawRound(result, EndToEnd.cores(ChildProcess.cpu(ProcessHandle.current()).minus(cpu), start));
    }

    /** The mock APNs server as the place deliveries arrive. */
    private static DeliverySink apns(ApnsPeer mock) {
        return DeliverySink.of(mock::accepted, mock::lastAcceptedNanos);
    }

    /**
     * One workspace that pushes for real, to the mock server, with limits so high nothing is refused; Herald may have
     * as many sends in flight as raw Pushy has ({@code delivery.max_in_flight}, default 512), so both keep the same
     * number of streams open.
     */
    private static String workspace(ApnsPeer mock, Path p8, int maxInFlight) {
        return """
                delivery: { max_in_flight: %d }
                workspaces:
                  - id: push
                    api_keys: [ { name: push, sha256: "%s", permissions: [messages.send, users.track] } ]
                    limits: { hourly: 1000000000, burst_per_second: 1000000000, users_track_per_3s: 1000000000 }
                    apps:
                      - app_id: %s
                        platform: ios
                        apns: { team_id: %s, key_id: %s, signing_key: "${file:%s}", topic: %s, environment: development,
                                server: "127.0.0.1:%d", trusted_certificate: "%s" }
                """.formatted(maxInFlight, ApiKeyAuthenticator.sha256Hex(KEY), APP_ID, TEAM_ID, KEY_ID, p8, TOPIC,
                mock.port(), TestCertificates.ca());
    }

    /** Gives each user one iOS token through {@code /users/track}. */
    private static void register(int port, int users) throws Exception {
        UserTracker.track(port, KEY, users, i -> "{\"external_id\":\"" + user(i) + "\",\"push_tokens\":[{\"app_id\":\""
                + APP_ID + "\",\"token\":\"" + deviceToken("bench-device-" + i) + "\"}]}");
    }

    private static String user(int i) {
        return "bench-user-" + i;
    }

    /** A send to {@code count} users from {@code first} on (wrapping at {@code users}). */
    private static String sendBody(int first, int count, int users) {
        var ids = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ids.append(i == 0 ? "\"" : ",\"").append(user((first + i) % users)).append('"');
        }
        return "{\"external_user_ids\":[" + ids + "],\"messages\":{\"apple_push\":{\"alert\":\"" + ALERT
                + "\",\"badge\":1,\"sound\":\"default\"}}}";
    }

    /** Roughly the payload Herald builds from {@link #sendBody}. */
    private static String payload() {
        return "{\"aps\":{\"alert\":\"" + ALERT + "\",\"badge\":1,\"sound\":\"default\"}}";
    }

    /** A well-formed APNs device token (64 hex digits) derived from {@code label}. */
    private static String deviceToken(String label) {
        return ApiKeyAuthenticator.sha256Hex(label); // the same SHA-256 in lower-case hex
    }

    private static RawRound median(List<RawRound> rows) {
        List<RawRound> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble(r -> r.result().throughput()));
        return sorted.get(sorted.size() / 2);
    }

    private static void print(AcceptBenchmark.Options o, int users, int perRequest, int maxInFlight, RawRound rawRound,
                              EndToEnd.HeraldRound herald, String rawRss, String heraldRss) {
        var raw = rawRound.result();
        System.out.printf("%npush benchmark: POST /messages/send, apple_push to %d user(s) (1 iOS token each) per "
                        + "request, %d users, %d keep-alive connections; raw Pushy and Herald (delivery.max_in_flight) "
                        + "with %d in flight; both to one mock APNs server (1 I/O thread, accepts all); %ds warm-up + "
                        + "%ds measured; %d round(s), median shown; JDK %s, %d cores%n", perRequest, users, o.connections(), maxInFlight,
                o.warmup().toSeconds(),
                o.measure().toSeconds(), o.rounds(), Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf("%-24s %10s %10s %9s %9s %8s  %s%n", "", "pushes/s", "req/s", "p50 ms", "p99 ms", "errors",
                "RSS");
        System.out.printf("%-24s %10.0f %10s %9.2f %9.2f %8d  %s (bench process: mock server, client, driver)%n",
                "raw pushy (ceiling)", raw.throughput(), "-", raw.p50Micros() / 1000, raw.p99Micros() / 1000,
                raw.failed(), rawRss);
        var load = herald.load();
        System.out.printf("%-24s %10.0f %10.0f %9.2f %9.2f %8d  %s (herald)%n", "herald (accept to APNs)",
                herald.deliveriesPerSecond(), load.throughput(), load.p50Micros() / 1000, load.p99Micros() / 1000,
                load.errors(), heraldRss);
        System.out.printf("herald: %d of %d accepted pushes delivered in %.1f s (%.1f s after the load stopped); "
                        + "heap allocation %s per push%n", herald.delivered(), herald.expected(),
                herald.endToEnd().toMillis() / 1000.0, herald.drain().toMillis() / 1000.0,
                herald.allocationPerDelivery());
        System.out.println("latency: raw pushy = notification sent to APNs answer; herald = POST /messages/send "
                + "to its 2xx (durable accept)");
        System.out.printf("cpu: raw side %.2f cores (bench process); herald side %.2f cores herald + %.2f cores bench "
                + "process (load generator, mock server)%n", rawRound.benchCores(), herald.heraldCores(),
                herald.benchCores());
        if (!Double.isNaN(herald.postgresCores())) {
            System.out.printf("cpu: herald side also %.2f cores PostgreSQL server%n", herald.postgresCores());
        }
        System.out.printf("ratio herald / raw pushy: %.2f (goal >= 0.50)%n",
                herald.deliveriesPerSecond() / raw.throughput());
    }
}
