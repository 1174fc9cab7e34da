package dev.herald.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the ingress rate limiter costs: durable accept throughput of {@code POST /messages/send} with limits on
 * (local buckets, limits so high nothing is refused) and off ({@code ratelimit.enabled: false}), one fresh
 * Herald JVM per run, the two modes interleaved (on/off, then off/on, ...) so drift on a shared machine hits both,
 * and the median and spread of each mode reported.
 */
final class LimitsBenchmark {
    private static final String HIGH_LIMITS = "    limits: { hourly: 1000000000, burst_per_second: 1000000000 }";
    private static final String ON = HIGH_LIMITS;
    private static final String OFF = HIGH_LIMITS + "\nratelimit: { enabled: false }";

    private LimitsBenchmark() {
    }

    static void run(AcceptBenchmark.Options o) throws Exception {
        Path dir = Files.createTempDirectory("herald-bench-limits");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        for (int round = 1; round <= o.rounds(); round++) {
            boolean onFirst = round % 2 == 1;
            for (boolean limits : onFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                var row = AcceptBenchmark.herald(o, java, dir.resolve("round-" + round + (limits ? "-on" : "-off")),
                        limits ? ON : OFF, limits ? "limits on" : "limits off");
                (limits ? on : off).add(row.result().throughput());
                System.out.printf("round %d %-10s %10.0f req/s  p99 %.2f ms  errors %d%n", round, row.name(),
                        row.result().throughput(), row.result().p99Micros() / 1000, row.result().errors());
            }
        }
        double medianOn = median(on);
        double medianOff = median(off);
        System.out.printf("%nlimits benchmark: POST /messages/send, sandbox workspace, %d connections, %ds warm-up + "
                        + "%ds measured, %d interleaved runs per mode, JDK %s, %d cores%n", o.connections(),
                o.warmup().toSeconds(), o.measure().toSeconds(), o.rounds(), Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.println(summary("limits off", off));
        System.out.println(summary("limits on", on));
        System.out.printf("limiter cost: %.1f %% of accept throughput (median on vs median off)%n",
                100 * (medianOff - medianOn) / medianOff);
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
