package dev.herald.loadtest;

import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/**
 * Durable accept throughput and latency of {@code POST /messages/send} (one recipient, a webhook message, a
 * sandbox workspace so nothing leaves the machine) over keep-alive connections, beside a bare Netty server
 * that answers 201 without doing anything, driven by the same generator in the same run. Herald runs from its
 * own jar in its own JVM, exactly as {@code bin/herald} starts it; every 201 it returns was fsync'd first.
 */
final class AcceptBenchmark {
    static final String BODY = "{\"external_user_ids\":[\"user-1\"],\"messages\":{\"webhook\":{"
            + "\"url\":\"https://bench.example/hook\",\"request_method\":\"POST\","
            + "\"request_headers\":{\"Content-Type\":\"application/json\"},\"body\":\"{\\\"order\\\":42}\"}}}";
    private static final String KEY = "bench-key";
    /** The bench workspace's limits: so high that nothing is refused (Braze's default burst is 1,000/s). */
    static final String HIGH_LIMITS = "    limits: { hourly: 1000000000, burst_per_second: 1000000000 }";

    record Options(int connections, Duration warmup, Duration measure, long maxRequests, int rounds, Path heraldJar) {
    }

    /** A measured row; {@code allocatedBytes} is Herald's heap allocation in the measured phase (-1: not measured). */
    record Row(String name, LoadGenerator.Result result, String rss, long allocatedBytes) {
        Row(String name, LoadGenerator.Result result, String rss) {
            this(name, result, rss, -1);
        }
    }

    private AcceptBenchmark() {
    }

    static void run(Options o) throws Exception {
        Path dir = BenchDirectory.temporary("herald-bench");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Row> bare = new ArrayList<>();
        List<Row> json = new ArrayList<>();
        List<Row> herald = new ArrayList<>();
        for (int round = 1; round <= o.rounds(); round++) {
            bare.add(bare(o, java, dir));
            json.add(jsonCeiling(o, java, dir));
            herald.add(herald(o, java, dir.resolve("round-" + round)));
        }
        Row peak = median(herald);
        print(o, median(bare), median(json), peak, halfRate(o, java, dir.resolve("half-rate"), peak));
    }

    /**
     * Herald's latency at half its peak rate: a fresh Herald offered exactly half the median round's throughput,
     * paced (open loop) over the same connections, latency counted from when each request was due.
     */
    private static Row halfRate(Options o, String java, Path dir, Row peak) throws Exception {
        try (var herald = start(o, java, dir, HIGH_LIMITS)) {
            var result = load(List.of(herald), o).paced(peak.result().throughput() / 2)
                    .run(o.warmup(), o.measure(), o.maxRequests());
            return new Row("herald at half that rate", result, herald.child().rss());
        }
    }

    /** The ceiling: {@link BareServer} in its own JVM, driven like Herald. */
    static Row bare(Options o, String java, Path dir) throws Exception {
        return ceiling(o, java, dir, "bare netty (ceiling)");
    }

    /** The second ceiling: {@link BareServer} parsing the JSON and writing its answer with Jackson. */
    static Row jsonCeiling(Options o, String java, Path dir) throws Exception {
        return ceiling(o, java, dir, "netty + jackson (ceiling)", "json");
    }

    private static Row ceiling(Options o, String java, Path dir, String name, String... mode) throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                BareServer.class.getName(), String.valueOf(port)));
        cmd.addAll(List.of(mode));
        try (var child = ChildProcess.start(name, cmd, dir.resolve("bare.log"))) {
            child.awaitPort(port, Duration.ofSeconds(30));
            var result = new LoadGenerator(port, o.connections(), "/messages/send", KEY, BODY)
                    .run(o.warmup(), o.measure(), o.maxRequests());
            return new Row(name, result, child.rss());
        }
    }

    /** A Herald started from its jar in its own JVM, ready, on {@code store}. */
    record Running(ChildProcess child, int port, int opsPort, HeraldStore store) implements AutoCloseable {
        /** Heap bytes this Herald has allocated so far ({@link HeraldAllocation}), or -1. */
        long allocatedBytes() {
            return HeraldAllocation.bytes(opsPort);
        }

        @Override
        public void close() throws InterruptedException {
            child.close();
        }
    }

    /**
     * A Herald on an SQLite file in {@code dir} with the sandbox bench workspace; {@code extraYaml} is appended to
     * the configuration (top-level keys, and the bench workspace's own keys indented for it).
     */
    static Running start(Options o, String java, Path dir, String extraYaml) throws Exception {
        return start(o, java, dir, HeraldStore.sqlite(dir.resolve("herald.db")), extraYaml);
    }

    /** Like {@link #start(Options, String, Path, String)}, on {@code store}. */
    static Running start(Options o, String java, Path dir, HeraldStore store, String extraYaml) throws Exception {
        return startWith(o, java, dir, store, """
                workspaces:
                  - id: bench
                    sandbox: true
                    api_keys: [ { name: bench, sha256: "%s", permissions: [messages.send] } ]
                %s
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), extraYaml));
    }

    /**
     * A Herald with {@code yaml} (its workspaces and any other top-level keys) after the server and store lines,
     * with the memory options {@code bin/herald} would give it.
     * {@code HERALD_BENCH_JVM_OPTS} (space-separated) is added to its JVM options, e.g. to record a JFR profile.
     */
    static Running startWith(Options o, String java, Path dir, String yaml) throws Exception {
        return startWith(o, java, dir, HeraldStore.sqlite(dir.resolve("herald.db")), yaml);
    }

    /** Like {@link #startWith(Options, String, Path, String)}, on {@code store}. */
    static Running startWith(Options o, String java, Path dir, HeraldStore store, String yaml) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        int ops = freePort();
        Path config = dir.resolve("herald.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: %d, ops_port: %d }
                %s
                """.formatted(port, ops, store.configLine()) + yaml);
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+ExitOnOutOfMemoryError"));
        // The heap bin/herald would choose on this machine (loadtest/bench passes herald_heap_opts along).
        String heap = System.getProperty("herald.heap.opts", "").trim();
        if (!heap.isEmpty()) {
            cmd.addAll(List.of(heap.split("\\s+")));
        }
        if (Runtime.version().feature() >= 24) {
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        }
        String extraJvm = System.getenv().getOrDefault("HERALD_BENCH_JVM_OPTS", "").trim();
        if (!extraJvm.isEmpty()) {
            cmd.addAll(List.of(extraJvm.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", o.heraldJar().toString(), "--config", config.toString()));
        var environment = new HashMap<>(store.environment());
        environment.putIfAbsent("MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2")); // as bin/herald
        var child = ChildProcess.start("herald", cmd, dir.resolve("herald.log"), environment);
        try {
            child.awaitPort(ops, Duration.ofSeconds(60));
            child.awaitPort(port, Duration.ofSeconds(10));
        } catch (Exception e) {
            child.close();
            throw e;
        }
        return new Running(child, port, ops, store);
    }

    /** Drives a running Herald with the accept load. */
    static LoadGenerator.Result drive(Running herald, Options o, Duration warmup) throws InterruptedException {
        return drive(List.of(herald), o, warmup);
    }

    /** Drives Herald nodes sharing one store with the accept load, the connections dealt out across them. */
    static LoadGenerator.Result drive(List<Running> nodes, Options o, Duration warmup) throws InterruptedException {
        return load(nodes, o).run(warmup, o.measure(), o.maxRequests());
    }

    /** The accept load on Herald nodes, the connections dealt out across them; not started. */
    private static LoadGenerator load(List<Running> nodes, Options o) {
        return new LoadGenerator(nodes.stream().map(Running::port).toList(), o.connections(), "/messages/send", KEY,
                List.of(BODY));
    }

    private static Row herald(Options o, String java, Path dir) throws Exception {
        try (var herald = start(o, java, dir, HIGH_LIMITS)) {
            long[] allocated = {-1, -1}; // at the start and the end of the measured phase
            var result = load(List.of(herald), o)
                    .onMeasuredPhase(() -> allocated[0] = herald.allocatedBytes(),
                            () -> allocated[1] = herald.allocatedBytes())
                    .run(o.warmup(), o.measure(), o.maxRequests());
            return new Row("herald (durable accept)", result, herald.child().rss(),
                    HeraldAllocation.between(allocated[0], allocated[1]));
        }
    }

    /** The row of median throughput. */
    static Row median(List<Row> rows) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble(r -> r.result().throughput()));
        return sorted.get(sorted.size() / 2);
    }

    private static void print(Options o, Row bare, Row json, Row herald, Row half) {
        System.out.printf("%naccept benchmark: POST /messages/send, 1 recipient, webhook, sandbox workspace; %d keep-alive "
                        + "connections; %ds warm-up + %ds measured; %d round(s), median shown; JDK %s, %d cores%n",
                o.connections(), o.warmup().toSeconds(), o.measure().toSeconds(), o.rounds(), Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%-26s %10s %9s %9s %9s %8s  %s%n", "", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors",
                "server RSS");
        for (Row r : List.of(bare, json, herald, half)) {
            var x = r.result();
            System.out.printf("%-26s %10.0f %9.2f %9.2f %9.2f %8d  %s%n", r.name(), x.throughput(),
                    x.p50Micros() / 1000, x.p99Micros() / 1000, x.p999Micros() / 1000, x.errors(), r.rss());
        }
        System.out.printf("herald p99 at half its peak rate (%.0f req/s offered, open loop, from when each request was "
                        + "due): %.2f ms (goal <= 10 ms)%n", herald.result().throughput() / 2,
                half.result().p99Micros() / 1000);
        System.out.printf("herald heap allocation: %s per request (measured phase)%n",
                HeraldAllocation.perUnit(herald.allocatedBytes(), herald.result().requests()));
        System.out.printf("ratio herald / ceiling: %.2f%n", herald.result().throughput() / bare.result().throughput());
        System.out.printf("ratio herald / json ceiling: %.2f   (json ceiling / ceiling: %.2f: what HTTP + JSON "
                        + "parsing alone leave)%n", herald.result().throughput() / json.result().throughput(),
                json.result().throughput() / bare.result().throughput());
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
