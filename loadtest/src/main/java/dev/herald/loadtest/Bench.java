package dev.herald.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Entry point of {@code loadtest/bench}: {@code Bench accept [--connections N] [--warmup S] [--seconds S]
 * [--max-requests N] [--rounds N] [--store sqlite|postgres] [--nodes 1|2]} ({@link AcceptBenchmark}; with
 * {@code --store postgres}, {@link PostgresAcceptBenchmark}: PostgreSQL beside SQLite and the ceiling, and with
 * {@code --nodes 2} two nodes on one database as well), {@code Bench limits} with the common options (the ingress
 * limiter's cost, {@link LimitsBenchmark}), {@code Bench push} with them, {@code [--store sqlite|postgres]} and
 * {@code [--users N] [--recipients N] [--in-flight N]} (end-to-end push beside raw Pushy, {@link PushBenchmark}), or
 * {@code Bench webhook} with the common options and {@code [--users N] [--recipients N] [--in-flight N]
 * [--currents on|compare]} (end-to-end webhooks beside the JDK's HttpClient, optionally with the event stream on,
 * {@link EgressBenchmark}), {@code Bench smtp} likewise (email through an SMTP relay beside raw Angus Mail),
 * {@code Bench backlog [--deliveries N] [--seconds S]} (memory with N deliveries queued for a host that is down,
 * {@link BacklogBenchmark}), {@code Bench journal [--seconds S] [--rounds N]} (one SQLite writer's deliveries per
 * second for a delivery row's possible lives, {@link JournalFloorBenchmark}), or {@code Bench ratelimit} (the JMH
 * {@link RateLimiterBenchmark}).
 * {@code --store postgres} starts a throw-away PostgreSQL server (fsync on) from the installed Debian package;
 * without one the bench says so and exits 1.
 */
public final class Bench {
    private Bench() {
    }

    /** {@code drive PORT KEY SECONDS CONNECTIONS}: the generator alone, against a server already running. */
    private static void drive(String[] args) throws Exception {
        int seconds = Math.min(600, Integer.parseInt(args[3]));
        var r = new LoadGenerator(Integer.parseInt(args[1]), Integer.parseInt(args[4]), "/messages/send", args[2],
                AcceptBenchmark.BODY).run(Duration.ofSeconds(1), Duration.ofSeconds(seconds), 5_000_000);
        System.out.printf("%.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d%n", r.throughput(), r.p50Micros() / 1000,
                r.p99Micros() / 1000, r.errors());
    }

    /** Runs the named benchmark. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("drive")) {
            drive(args);
            return;
        }
        if (args.length > 0 && args[0].equals("ratelimit")) {
            RateLimiterBenchmark.main(new String[0]);
            return;
        }
        if (args.length == 0 || !List.of("accept", "limits", "push", "webhook", "smtp", "backlog", "journal")
                .contains(args[0])) {
            System.err.println("usage: loadtest/bench accept|limits|push [--connections 32] [--warmup 10] "
                    + "[--seconds 10] [--max-requests 2000000] [--rounds 1]\n"
                    + "       loadtest/bench accept ... [--store sqlite|postgres] [--nodes 1|2]\n"
                    + "       loadtest/bench push ... [--store sqlite|postgres] [--users 10000] [--recipients 50] "
                    + "[--in-flight 1000]\n"
                    + "       loadtest/bench webhook ... [--users 10000] [--recipients 50] [--in-flight 256] "
                    + "[--currents off|on|compare]\n"
                    + "       loadtest/bench smtp ... [--users 10000] [--recipients 50] [--in-flight 8]\n"
                    + "       loadtest/bench backlog [--deliveries 100000] [--seconds 60]\n"
                    + "       loadtest/bench journal [--seconds 10] [--rounds 1]\n"
                    + "       loadtest/bench ratelimit");
            System.exit(2);
        }
        int connections = 32;
        int warmup = 10;
        int seconds = 10;
        long max = 2_000_000;
        int rounds = 1;
        int users = 10_000;
        int inFlight = switch (args[0]) {
            case "webhook" -> 256; // Herald's webhook connection pool
            case "smtp" -> 8; // the relay pool both sides get
            default -> 1000;
        };
        int recipients = 50;
        int deliveries = 100_000;
        HeraldStore.Kind store = HeraldStore.Kind.SQLITE;
        int nodes = 1;
        WebhookEgress.Stream currents = WebhookEgress.Stream.OFF;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--max-requests" -> max = Long.parseLong(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--users" -> users = Integer.parseInt(args[i + 1]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
                case "--recipients" -> recipients = Integer.parseInt(args[i + 1]);
                case "--store" -> store = switch (args[i + 1].toLowerCase(Locale.ROOT)) {
                    case "sqlite" -> HeraldStore.Kind.SQLITE;
                    case "postgres" -> HeraldStore.Kind.POSTGRES;
                    default -> throw new IllegalArgumentException("--store sqlite or postgres, not " + args[i + 1]);
                };
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--deliveries" -> deliveries = Integer.parseInt(args[i + 1]);
                case "--currents" -> currents = switch (args[i + 1]) {
                    case "on" -> WebhookEgress.Stream.ON;
                    case "off" -> WebhookEgress.Stream.OFF;
                    case "compare" -> WebhookEgress.Stream.COMPARE;
                    default -> throw new IllegalArgumentException("--currents on, off or compare, not " + args[i + 1]);
                };
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (seconds < 1 || seconds > 600 || warmup < 0 || warmup > 120 || rounds < 1 || rounds > 20 || users < 1
                || users > 1_000_000 || inFlight < 1 || inFlight > 10_000 || recipients < 1 || recipients > 50
                || deliveries < 1 || deliveries > 1_000_000) {
            throw new IllegalArgumentException("bounded runs only: --seconds 1..600, --warmup 0..120, --rounds 1..20, "
                    + "--users 1..1000000, --in-flight 1..10000, --recipients 1..50, --deliveries 1..1000000");
        }
        // Only what is implemented: several nodes need a shared store, and the limits benchmark reads SQLite.
        boolean sharedStore = store == HeraldStore.Kind.POSTGRES && args[0].equals("accept");
        if (nodes < 1 || nodes > 2 || (nodes > 1 && !sharedStore)) {
            throw new IllegalArgumentException("--nodes 2 only with accept --store postgres");
        }
        if (store == HeraldStore.Kind.POSTGRES && List.of("limits", "webhook", "smtp", "journal").contains(args[0])) {
            throw new IllegalArgumentException(args[0] + " runs on sqlite only");
        }
        if (args[0].equals("journal")) { // no Herald process: the journal's writer alone, in this one
            JournalFloorBenchmark.run(Duration.ofSeconds(seconds), rounds);
            return;
        }
        Path jar = Path.of(System.getProperty("herald.jar", "gateway/target/herald.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " not found: build first (loadtest/bench does)");
        }
        var options = new AcceptBenchmark.Options(connections, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds),
                max, rounds, jar);
        try {
            switch (args[0]) {
                case "limits" -> LimitsBenchmark.run(options);
                case "push" -> PushBenchmark.run(options, users, recipients, inFlight, store);
                case "webhook" -> EgressBenchmark.run(options, new WebhookEgress(inFlight, currents), users,
                        recipients);
                case "smtp" -> EgressBenchmark.run(options, new SmtpEgress(inFlight), users, recipients);
                // The hold defaults to a minute (the others' --seconds default of 10 is a measuring window).
                case "backlog" -> BacklogBenchmark.run(options, deliveries,
                        Duration.ofSeconds(List.of(args).contains("--seconds") ? seconds : 60));
                default -> {
                    if (store == HeraldStore.Kind.POSTGRES) {
                        PostgresAcceptBenchmark.run(options, nodes);
                    } else {
                        AcceptBenchmark.run(options);
                    }
                }
            }
        } catch (BenchPostgres.Unavailable e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
        }
    }
}
