package dev.herald.loadtest;

import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code loadtest/bench backlog [--deliveries 100000] [--seconds 60]}: Herald's memory with a large backlog it cannot
 * deliver. It accepts {@code deliveries} webhooks (50 recipients a request) for a host that refuses every connection,
 * then keeps retrying, tripping and parking that host for {@code seconds}, while the bench samples the Herald
 * process's resident set once a second. Herald runs with the heap the launcher would give it on this machine
 * ({@code herald_heap_opts}: the container's limit, else 256 MiB; {@code HERALD_HEAP} overrides). The bound to hold:
 * peak RSS under 512 MiB, i.e. Herald fits a 512 MiB container with 100,000 queued deliveries.
 */
final class BacklogBenchmark {
    static final String KEY = "backlog-bench-key";
    private static final int PER_REQUEST = 50;
    private static final long BOUND_MIB = 512;

    private BacklogBenchmark() {
    }

    static void run(AcceptBenchmark.Options o, int deliveries, Duration hold) throws Exception {
        Path dir = BenchDirectory.temporary("herald-bench-backlog");
        String java = ProcessHandle.current().info().command().orElse("java");
        int down;
        try (var s = new ServerSocket(0)) {
            down = s.getLocalPort(); // closed again at once: every connection to it is refused
        }
        String url = "http://127.0.0.1:" + down + "/down";
        List<String> bodies = IntStream.range(0, 64).mapToObj(i -> body(i, url)).toList();
        long requests = Math.max(1, deliveries / PER_REQUEST);
        try (var gateway = AcceptBenchmark.startWith(o, java, dir.resolve("herald"), """
                webhook: { allow_private_networks: true }
                workspaces:
                  - id: backlog
                    api_keys: [ { name: b, sha256: "%s", permissions: [messages.send] } ]
                    limits: { hourly: 1000000000, burst_per_second: 1000000000 }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY)))) {
            System.out.printf("accepting %d webhooks (%d requests of %d) for a host that refuses connections%n",
                    requests * PER_REQUEST, requests, PER_REQUEST);
            var load = new LoadGenerator(gateway.port(), o.connections(), "/messages/send", KEY, bodies)
                    .run(Duration.ZERO, Duration.ofMinutes(10), requests);
            System.out.printf("accepted %d requests in %.1f s (%.0f req/s), errors %d; rss %s%n", load.accepted(),
                    load.elapsed().toMillis() / 1000.0, load.throughput(), load.errors(), gateway.child().rss());
            long peak = 0;
            for (int second = 1; second <= hold.toSeconds(); second++) {
                Thread.sleep(1000);
                peak = Math.max(peak, gateway.child().rssMib());
                if (second % 10 == 0) {
                    System.out.printf("after %3d s: rss %s, queued %d%n", second, gateway.child().rss(),
                            queued(dir.resolve("herald/herald.db")));
                }
            }
            String rss = gateway.child().rss();
            long queued = queued(dir.resolve("herald/herald.db"));
            long hwm = gateway.child().peakRssMib();
            System.out.printf("%nbacklog: %d deliveries queued for a host that is down, held %d s%n", queued,
                    hold.toSeconds());
            System.out.printf("herald rss: %s (sampled peak %d MiB); heap options: %s%n", rss, peak,
                    System.getProperty("herald.heap.opts", "(none)"));
            System.out.printf("bound: peak rss <= %d MiB: %s%n", BOUND_MIB, hwm <= BOUND_MIB ? "holds" : "EXCEEDED");
            System.out.printf("bench rss: %s%n", ChildProcess.rss(ProcessHandle.current().pid()));
        }
    }

    private static String body(int variant, String url) {
        var ids = new StringBuilder();
        for (int i = 0; i < PER_REQUEST; i++) {
            ids.append(i == 0 ? "\"" : ",\"").append("u").append(variant).append('-').append(i).append('"');
        }
        return "{\"external_user_ids\":[" + ids + "],\"messages\":{\"webhook\":{\"url\":\"" + url
                + "\",\"request_method\":\"POST\",\"body\":\"order shipped\"}}}";
    }

    /** Deliveries still queued, read from the journal file by the bench (WAL: a reader never blocks Herald's writer). */
    private static long queued(Path db) {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM delivery WHERE status = 'queued'")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
