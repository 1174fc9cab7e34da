package dev.herald.loadtest;

import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * End-to-end delivery through one egress channel ({@code webhook}: {@link WebhookEgress}, {@code smtp}:
 * {@link SmtpEgress}): {@code POST /messages/send} to {@code --recipients} users (default 50, Braze's most per
 * request), from Herald's durable accept to the delivery accepted by a loopback sink, beside the channel's raw
 * client library sending the same deliveries to the same sink in the same run, interleaved round by round. Herald
 * runs from its jar in its own JVM with a real (non-sandbox) workspace; rounds as in {@link EndToEnd}.
 */
final class EgressBenchmark {
    static final String KEY = "egress-bench-key";

    /** One channel's side of the benchmark: its sink, its raw ceiling, Herald's workspace and request. */
    interface Egress extends AutoCloseable {
        /** What the channel delivers, plural (e.g. "webhooks"). */
        String unit();

        /** The raw client's row name (e.g. "raw httpclient"). */
        String ceilingName();

        /** One line on the sink and the raw client, for the report. */
        String describe();

        DeliverySink sink();

        /** Top-level YAML and the workspace {@code hooks}'s own keys (indented for it). */
        String yaml();

        /** Creates the users in Herald if the channel needs them (e.g. with an email address). */
        void prepare(int heraldPort, int users) throws Exception;

        /** A send to {@code count} users from {@code first} on (wrapping at {@code users}). */
        String sendBody(int first, int count, int users);

        CeilingLoop.Result raw(Duration warmup, Duration measure, long max) throws InterruptedException;

        /** More keys of Herald's workspace (indented four spaces), e.g. an event stream. */
        default String workspaceYaml() {
            return "";
        }

        /**
         * The workspace keys of a second Herald run beside the first, interleaved round by round, when the benchmark
         * compares a feature on against off in the same run (e.g. the event stream).
         */
        default java.util.Optional<String> comparedWorkspaceYaml() {
            return java.util.Optional.empty();
        }

        /** Requests a compared feature made to a sink of its own so far (e.g. event batches), to wait for it. */
        default long sideTraffic() {
            return 0;
        }

        /** A line more for the report, if the egress has something to add. */
        default String report() {
            return "";
        }
    }

    private EgressBenchmark() {
    }

    static void run(AcceptBenchmark.Options o, Egress egress, int users, int perRequest) throws Exception {
        Path dir = BenchDirectory.temporary("herald-bench-egress");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<CeilingLoop.Result> raw = new ArrayList<>();
        List<EndToEnd.HeraldRound> rounds = new ArrayList<>();
        List<EndToEnd.HeraldRound> comparedRounds = new ArrayList<>();
        String benchRss;
        String heraldRss;
        String comparedRss = "";
        AcceptBenchmark.Running compared = null;
        try (egress; var gateway = AcceptBenchmark.startWith(o, java, dir.resolve("herald"),
                workspace(egress.workspaceYaml()) + egress.yaml())) {
            if (egress.comparedWorkspaceYaml().isPresent()) {
                compared = AcceptBenchmark.startWith(o, java, dir.resolve("herald-compared"),
                        workspace(egress.comparedWorkspaceYaml().get()) + egress.yaml());
            }
            DeliverySink sink = egress.sink();
            egress.prepare(gateway.port(), users);
            if (compared != null) {
                egress.prepare(compared.port(), users);
            }
            List<String> bodies = IntStream.range(0, Math.max(1, users / perRequest))
                    .mapToObj(i -> egress.sendBody(i * perRequest, perRequest, users)).toList();
            System.out.println("warming up");
            var rawWarm = egress.raw(o.warmup(), o.measure(), o.maxRequests());
            // Herald is offered, per round, twice the deliveries the raw client made in the same time (whole
            // requests), and its rate counts until the last of them arrives: a backlog counts against it, and a round
            // ends in about the measured time plus the drain instead of queueing far more than it can deliver.
            long offered = Math.max(1, Math.min(o.maxRequests(),
                    2 * rawWarm.accepted() / perRequest));
            var herald = new AcceptBenchmark.Options(o.connections(), o.warmup(), o.measure(), offered, o.rounds(),
                    o.heraldJar());
            warm(sink, gateway, o, offered, bodies, perRequest);
            if (compared != null) {
                warm(sink, compared, o, offered, bodies, perRequest);
                settle(egress, List.of(gateway, compared));
            }
            System.out.printf("herald is offered %d requests (%d %s) per round%n", offered, offered * perRequest,
                    egress.unit());
            for (int round = 1; round <= o.rounds(); round++) {
                var r = egress.raw(Duration.ZERO, o.measure(), o.maxRequests());
                raw.add(r);
                System.out.printf("round %d %-16s %10.0f %s/s  p99 %.2f ms  failed %d%n", round, egress.ceilingName(),
                        r.throughput(), egress.unit(), r.p99Micros() / 1000, r.failed());
                // With a compared Herald the two take turns going first (ABBA), so whatever the position in a round
                // favours favours each alike, and each starts on a quiet machine: the compared feature's own traffic
                // (events still streaming) and either Herald's leftovers (checkpoints, purges) run into nothing.
                boolean comparedFirst = compared != null && round % 2 == 0;
                if (comparedFirst) {
                    comparedRounds.add(heraldRound(round, "herald compared", egress, sink, compared, herald, bodies,
                            perRequest));
                    settle(egress, List.of(gateway, compared));
                }
                rounds.add(heraldRound(round, "herald", egress, sink, gateway, herald, bodies, perRequest));
                if (compared != null) {
                    settle(egress, List.of(gateway, compared));
                    if (!comparedFirst) {
                        comparedRounds.add(heraldRound(round, "herald compared", egress, sink, compared, herald,
                                bodies, perRequest));
                        settle(egress, List.of(gateway, compared));
                    }
                }
            }
            benchRss = ChildProcess.rss(ProcessHandle.current().pid());
            heraldRss = gateway.child().rss();
            if (compared != null) {
                comparedRss = compared.child().rss();
            }
            for (var round : rounds) {
                if (!round.load().errorSamples().isEmpty()) {
                    System.out.println("herald error answers (first distinct ones): " + round.load().errorSamples());
                }
            }
        } finally {
            if (compared != null) {
                compared.close();
            }
        }
        var rawMedian = raw.stream().sorted(Comparator.comparingDouble(CeilingLoop.Result::throughput)).toList()
                .get(raw.size() / 2);
        print(o, egress, perRequest, rawMedian, EndToEnd.median(rounds), benchRss, heraldRss);
        if (!comparedRounds.isEmpty()) {
            var off = EndToEnd.median(rounds);
            var on = EndToEnd.median(comparedRounds);
            System.out.printf("%-26s %11.0f %10.0f %9.2f %9.2f %8d  %s (herald compared)%n", "herald compared",
                    on.deliveriesPerSecond(), on.load().throughput(), on.load().p50Micros() / 1000,
                    on.load().p99Micros() / 1000, on.load().errors(), comparedRss);
            double paired = rounds.size() == comparedRounds.size() ? EndToEnd.medianRatio(comparedRounds, rounds)
                    : on.deliveriesPerSecond() / off.deliveriesPerSecond();
            System.out.printf("compared / herald: %.2f of the throughput (median of the per-round ratios), i.e. the "
                    + "compared feature costs %.0f %%%n", paired, 100 * (1 - paired));
        }
    }

    private static String workspace(String more) {
        return """
                workspaces:
                  - id: hooks
                    api_keys: [ { name: hooks, sha256: "%s", permissions: [messages.send, users.track] } ]
                    limits: { hourly: 1000000000, burst_per_second: 1000000000, users_track_per_3s: 1000000000 }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY)) + more;
    }

    private static void warm(DeliverySink sink, AcceptBenchmark.Running gateway, AcceptBenchmark.Options o,
                             long offered, List<String> bodies, int perRequest) throws Exception {
        long base = sink.accepted();
        var warm = new LoadGenerator(gateway.port(), o.connections(), "/messages/send", KEY, bodies)
                .run(Duration.ZERO, o.warmup(), offered);
        if (!sink.awaitAccepted(base + warm.accepted() * perRequest, EndToEnd.DRAIN_LIMIT)) {
            System.out.println("(warm-up deliveries not all made within " + EndToEnd.DRAIN_LIMIT + ")");
        }
    }

    private static EndToEnd.HeraldRound heraldRound(int round, String name, Egress egress, DeliverySink sink,
                                                    AcceptBenchmark.Running gateway, AcceptBenchmark.Options herald,
                                                    List<String> bodies, int perRequest) throws Exception {
        var h = EndToEnd.herald(sink, gateway, null, herald, KEY, bodies, perRequest);
        System.out.printf("round %d %-16s %10.0f %s/s  %8.0f req/s  p99 %.2f ms  errors %d  delivered %d of "
                        + "%d  drain %.1f s%s  cpu: herald %.2f + bench %.2f cores%n", round, name,
                h.deliveriesPerSecond(), egress.unit(), h.load().throughput(), h.load().p99Micros() / 1000,
                h.load().errors(), h.delivered(), h.expected(), h.drain().toMillis() / 1000.0,
                h.drained() ? "" : " (drain limit hit)", h.heraldCores(), h.benchCores());
        return h;
    }

    /**
     * Waits until the egress's side traffic has been quiet for two seconds and each Herald has used under a twentieth
     * of a core for the last half second (bounded by the drain limit).
     */
    private static void settle(Egress egress, List<AcceptBenchmark.Running> heralds) throws InterruptedException {
        long deadline = System.nanoTime() + EndToEnd.DRAIN_LIMIT.toNanos();
        long last = egress.sideTraffic();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<Duration> before = heralds.stream().map(h -> h.child().cpu()).toList();
            long from = System.nanoTime();
            Thread.sleep(500);
            boolean idle = true;
            for (int i = 0; i < heralds.size(); i++) {
                idle &= EndToEnd.cores(heralds.get(i).child().cpu().minus(before.get(i)), from) < 0.05;
            }
            long now = egress.sideTraffic();
            if (now != last || !idle) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= Duration.ofSeconds(2).toNanos()) {
                return;
            }
        }
        System.out.println("(the Heralds or the side traffic did not go quiet within " + EndToEnd.DRAIN_LIMIT + ")");
    }

    private static void print(AcceptBenchmark.Options o, Egress egress, int perRequest, CeilingLoop.Result raw,
                              EndToEnd.HeraldRound herald, String benchRss, String heraldRss) {
        System.out.printf("%n%s benchmark: POST /messages/send to %d user(s) per request, %d keep-alive connections; "
                        + "%s; %ds warm-up + %ds measured; %d round(s), median shown; JDK %s, %d cores%n",
                egress.unit(), perRequest, o.connections(), egress.describe(), o.warmup().toSeconds(),
                o.measure().toSeconds(), o.rounds(), Runtime.version(), Runtime.getRuntime().availableProcessors());
        String unit = egress.unit() + "/s";
        System.out.printf("%-26s %11s %10s %9s %9s %8s  %s%n", "", unit, "req/s", "p50 ms", "p99 ms", "errors",
                "RSS");
        System.out.printf("%-26s %11.0f %10s %9.2f %9.2f %8d  %s (bench process: sink, client, driver)%n",
                egress.ceilingName() + " (ceiling)", raw.throughput(), "-", raw.p50Micros() / 1000,
                raw.p99Micros() / 1000, raw.failed(), benchRss);
        var load = herald.load();
        System.out.printf("%-26s %11.0f %10.0f %9.2f %9.2f %8d  %s (herald)%n", "herald (accept to sink)",
                herald.deliveriesPerSecond(), load.throughput(), load.p50Micros() / 1000, load.p99Micros() / 1000,
                load.errors(), heraldRss);
        System.out.printf("herald: %d of %d accepted %s delivered in %.1f s (%.1f s after the load stopped); "
                        + "cpu %.2f cores herald + %.2f cores bench process; heap allocation %s per delivery%n",
                herald.delivered(), herald.expected(), egress.unit(), herald.endToEnd().toMillis() / 1000.0,
                herald.drain().toMillis() / 1000.0, herald.heraldCores(), herald.benchCores(),
                herald.allocationPerDelivery());
        System.out.printf("latency: %s = one delivery to the sink's answer; herald = POST /messages/send to its 2xx "
                + "(durable accept)%n", egress.ceilingName());
        System.out.printf("ratio herald / %s: %.2f (goal >= 0.50)%n", egress.ceilingName(),
                herald.deliveriesPerSecond() / raw.throughput());
        if (!egress.report().isEmpty()) {
            System.out.println(egress.report());
        }
    }
}
