package dev.herald.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One measured round of an end-to-end benchmark (push, webhook, email): Herald driven over keep-alive connections
 * for the measured time, then waiting (at most {@link #DRAIN_LIMIT}) until every delivery of the requests it
 * answered 2xx has reached the sink. The delivery rate is every delivery the sink accepted for that round over the
 * time from the first request to the last delivery's arrival, so a backlog still queued when the load stops counts
 * against it.
 */
final class EndToEnd {
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(120);

    /**
     * What one Herald round measured: the load, the deliveries the sink accepted from its first request to the last
     * delivery, the time after the load until that delivery, and the cores Herald and this process (load generator
     * and sink) kept busy meanwhile, and the PostgreSQL server if Herald is on one (else NaN).
     */
    record HeraldRound(LoadGenerator.Result load, long delivered, long expected, Duration endToEnd, Duration drain,
                       boolean drained, double heraldCores, double benchCores, double postgresCores,
                       long allocatedBytes) {
        double deliveriesPerSecond() {
            return delivered / (endToEnd.toNanos() / 1e9);
        }

        /** Herald's heap allocation per delivery over the round (accepts and deliveries, load and drain). */
        String allocationPerDelivery() {
            return HeraldAllocation.perUnit(allocatedBytes, delivered);
        }
    }

    private EndToEnd() {
    }

    /** Drives {@code gateway} with {@code bodies} (each {@code perRequest} deliveries) and waits for the sink. */
    static HeraldRound herald(DeliverySink sink, AcceptBenchmark.Running gateway, @Nullable BenchPostgres postgres,
                              AcceptBenchmark.Options o, String key, List<String> bodies, int perRequest)
            throws InterruptedException {
        long base = sink.accepted();
        Duration postgresCpu = postgres == null ? Duration.ZERO : postgres.cpu();
        Duration heraldCpu = gateway.child().cpu();
        Duration benchCpu = ChildProcess.cpu(ProcessHandle.current());
        long allocatedBefore = gateway.allocatedBytes();
        long start = System.nanoTime();
        var load = new LoadGenerator(gateway.port(), o.connections(), "/messages/send", key, bodies)
                .run(Duration.ZERO, o.measure(), o.maxRequests());
        long loadEnd = System.nanoTime();
        long expected = load.accepted() * perRequest;
        boolean drained = sink.awaitAccepted(base + expected, DRAIN_LIMIT);
        double heraldCores = cores(gateway.child().cpu().minus(heraldCpu), start);
        double benchCores = cores(ChildProcess.cpu(ProcessHandle.current()).minus(benchCpu), start);
        double postgresCores = postgres == null ? Double.NaN : cores(postgres.cpu().minus(postgresCpu), start);
        long allocatedAfter = gateway.allocatedBytes();
        long last = Math.max(sink.lastAcceptedNanos(), start + 1);
        return new HeraldRound(load, sink.accepted() - base, expected, Duration.ofNanos(last - start),
                Duration.ofNanos(Math.max(0, last - loadEnd)), drained, heraldCores, benchCores,
                postgresCores, HeraldAllocation.between(allocatedBefore, allocatedAfter));
    }

    /** CPU time used since {@code startNanos} as a number of cores kept busy. */
    static double cores(Duration cpu, long startNanos) {
        return cpu.toNanos() / (double) Math.max(1, System.nanoTime() - startNanos);
    }

    /** The round of median delivery rate. */
    static HeraldRound median(List<HeraldRound> rows) {
        List<HeraldRound> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble(HeraldRound::deliveriesPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    /** The median of {@code a[i] / b[i]} delivery rates: paired rounds, so load that hit both rounds of a pair cancels. */
    static double medianRatio(List<HeraldRound> a, List<HeraldRound> b) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ratios.add(a.get(i).deliveriesPerSecond() / b.get(i).deliveriesPerSecond());
        }
        ratios.sort(Comparator.naturalOrder());
        return ratios.get(ratios.size() / 2);
    }
}
