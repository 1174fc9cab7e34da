package dev.herald.loadtest;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the ingress rate limiter costs: durable accept throughput of {@code POST /messages/send} with limits on
 * (local buckets, limits so high nothing is refused) and off ({@code ratelimit.enabled: false}). Both Heralds run
 * side by side in their own JVMs for the whole benchmark, each warmed up first, and are driven in turn (on/off,
 * then off/on, ...), so JIT state, store size and drift on a shared machine hit both alike; before each run the
 * idle one has finished delivering its backlog. Reports the median and spread of each mode.
 */
final class LimitsBenchmark {
    private static final String ON = AcceptBenchmark.HIGH_LIMITS;
    private static final String OFF = AcceptBenchmark.HIGH_LIMITS + "\nratelimit: { enabled: false }";
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);

    private LimitsBenchmark() {
    }

    static void run(AcceptBenchmark.Options o) throws Exception {
        Path dir = BenchDirectory.temporary("herald-bench-limits");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        try (var limited = AcceptBenchmark.start(o, java, dir.resolve("on"), ON);
             var open = AcceptBenchmark.start(o, java, dir.resolve("off"), OFF)) {
            for (var herald : List.of(limited, open)) { // JIT warm-up of each, not measured
                AcceptBenchmark.drive(herald, o, o.warmup());
                drain(herald);
            }
            for (int round = 1; round <= o.rounds(); round++) {
                boolean onFirst = round % 2 == 1;
                for (boolean limits : onFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    var herald = limits ? limited : open;
                    var result = AcceptBenchmark.drive(herald, o, Duration.ofSeconds(1));
                    drain(herald);
                    (limits ? on : off).add(result.throughput());
                    System.out.printf("round %d %-10s %10.0f req/s  p99 %.2f ms  errors %d%n", round,
                            limits ? "limits on" : "limits off", result.throughput(), result.p99Micros() / 1000,
                            result.errors());
                }
            }
        }
        double medianOn = median(on);
        double medianOff = median(off);
        System.out.printf("%nlimits benchmark: POST /messages/send, sandbox workspace, %d connections, %ds warm-up "
                        + "per server, %d alternating runs of %ds per mode, JDK %s, %d cores%n", o.connections(),
                o.warmup().toSeconds(), o.rounds(), o.measure().toSeconds(), Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.println(summary("limits off", off));
        System.out.println(summary("limits on", on));
        System.out.printf("limiter cost: %.1f %% of accept throughput (median on vs median off)%n",
                100 * (medianOff - medianOn) / medianOff);
    }

    /** Waits until the server has delivered what it accepted, so its backlog does not load the other's run. */
    private static void drain(AcceptBenchmark.Running herald) throws Exception {
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        try (var c = herald.store().connect()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = c.createStatement().executeQuery(
                        "SELECT count(*) FROM delivery WHERE status = 'queued'")) {
                    if (rs.next() && rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(200);
            }
        }
        System.out.println("(backlog not drained within " + DRAIN_LIMIT + ")");
    }

    private static String summary(String name, List<Double> runs) {
        double median = median(runs);
        double min = runs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = runs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return String.format("%-11s median %8.0f req/s  min %8.0f  max %8.0f  spread %.1f %%  runs %s", name, median,
                min, max, 100 * (max - min) / median, runs.stream().map(v -> String.format("%.0f", v)).toList());
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
