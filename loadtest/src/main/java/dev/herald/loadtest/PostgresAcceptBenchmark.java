package dev.herald.loadtest;

import dev.herald.loadtest.AcceptBenchmark.Options;
import dev.herald.loadtest.AcceptBenchmark.Row;
import dev.herald.loadtest.AcceptBenchmark.Running;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Durable accept ({@link AcceptBenchmark}'s load) on PostgreSQL beside Herald on SQLite and the bare Netty ceiling,
 * in the same run. Each round runs, in turn, the ceiling, one Herald on SQLite, one Herald on PostgreSQL and, with
 * {@code --nodes 2}, two Herald nodes on one PostgreSQL database with the load generator's connections dealt out
 * across both; every one a fresh process on a fresh store, so drift on the shared machine hits all alike. Reports
 * the median round of each, and where the CPU went: the load generator, Herald and PostgreSQL share the cores.
 * PostgreSQL runs with fsync on: a 201 means the commit reached the disk, as on SQLite.
 */
final class PostgresAcceptBenchmark {
    private static final String SQLITE = "herald sqlite";
    private static final String POSTGRES = "herald postgres, 1 node";

    /**
     * One Herald run, the cores (CPU time over wall time, warm-up included) each party kept busy meanwhile, and on
     * PostgreSQL what its database counted over the same span (the bench's own few queries included) and the
     * statements it ran most often.
     */
    record Measured(Row row, double heraldCores, double postgresCores, double benchCores,
                    Optional<BenchPostgres.Counters> database, List<BenchPostgres.Statement> statements) {
        static Measured withoutCpu(Row row) {
            return new Measured(row, Double.NaN, Double.NaN, Double.NaN, Optional.empty(), List.of());
        }
    }

    private PostgresAcceptBenchmark() {
    }

    static void run(Options o, int nodes) throws Exception {
        Path dir = BenchDirectory.temporary("herald-bench-postgres");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Measured> bare = new ArrayList<>();
        List<Measured> sqlite = new ArrayList<>();
        List<Measured> postgres = new ArrayList<>();
        List<Measured> cluster = new ArrayList<>();
        String server;
        try (var pg = BenchPostgres.start(dir.resolve("postgres.log"))) {
            server = pg.describe();
            System.out.println(server + "; logs under " + dir + " (deleted at exit unless HERALD_BENCH_KEEP=1)");
            for (int round = 1; round <= o.rounds(); round++) {
                Path roundDir = dir.resolve("round-" + round);
                bare.add(progress(round, Measured.withoutCpu(AcceptBenchmark.bare(o, java, dir))));
                Path sqliteDir = roundDir.resolve("sqlite");
                sqlite.add(progress(round, nodes(o, java, sqliteDir, HeraldStore.sqlite(sqliteDir.resolve("herald.db")),
                        1, SQLITE, pg)));
                postgres.add(progress(round, nodes(o, java, roundDir.resolve("postgres-1"), pg.newDatabase(), 1,
                        POSTGRES, pg)));
                if (nodes > 1) {
                    cluster.add(progress(round, nodes(o, java, roundDir.resolve("postgres-" + nodes),
                            pg.newDatabase(), nodes, "herald postgres, " + nodes + " nodes", pg)));
                }
            }
        }
        List<Measured> rows = new ArrayList<>(List.of(median(bare), median(sqlite), median(postgres)));
        if (!cluster.isEmpty()) {
            rows.add(median(cluster));
        }
        print(o, server, rows);
    }

    /**
     * {@code count} Heralds on {@code store}, driven together. They start one after the other, as a rolling
     * deployment would: the first creates the schema, the others join it.
     */
    private static Measured nodes(Options o, String java, Path dir, HeraldStore store, int count, String name,
                                  BenchPostgres pg) throws Exception {
        List<Running> started = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                Path nodeDir = count == 1 ? dir : dir.resolve("node-" + i);
                started.add(AcceptBenchmark.start(o, java, nodeDir, store, AcceptBenchmark.HIGH_LIMITS));
            }
            boolean statements = store.name().equals("postgres") && pg.resetStatements(store);
            Optional<BenchPostgres.Counters> before = counters(pg, store);
            Duration heraldCpu = heraldCpu(started);
            Duration postgresCpu = pg.cpu();
            Duration benchCpu = ChildProcess.cpu(ProcessHandle.current());
            long start = System.nanoTime();
            var result = AcceptBenchmark.drive(started, o, o.warmup());
            double wall = Math.max(1, System.nanoTime() - start);
            // Read before the processes stop: current RSS is at the end of the load, peak is over the whole life.
            String rss = started.stream().map(n -> n.child().rss()).collect(Collectors.joining(" + "));
            // On SQLite the PostgreSQL server idles; its share is shown all the same, as it is what the run cost.
            double herald = heraldCpu(started).minus(heraldCpu).toNanos() / wall;
            double postgres = pg.cpu().minus(postgresCpu).toNanos() / wall;
            double bench = ChildProcess.cpu(ProcessHandle.current()).minus(benchCpu).toNanos() / wall;
            stop(started);
            // Read once the nodes are gone: a backend reports its last counts when it exits.
            Optional<BenchPostgres.Counters> database = before.flatMap(b -> counters(pg, store).map(a -> a.minus(b)));
            return new Measured(new Row(name, result, rss), herald, postgres, bench, database,
                    statements ? pg.statements(store, 12) : List.of());
        } finally {
            stop(started);
        }
    }

    private static void stop(List<Running> nodes) throws InterruptedException {
        for (Running node : nodes) {
            node.close(); // a second close of a stopped process returns at once
        }
    }

    private static Optional<BenchPostgres.Counters> counters(BenchPostgres pg, HeraldStore store) {
        if (!store.name().equals("postgres")) {
            return Optional.empty();
        }
        try {
            return Optional.of(pg.counters(store));
        } catch (SQLException e) {
            System.out.println("(" + store.jdbcUrl() + ": counters unreadable: " + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private static Duration heraldCpu(List<Running> nodes) {
        return nodes.stream().map(n -> n.child().cpu()).reduce(Duration.ZERO, Duration::plus);
    }

    private static Measured median(List<Measured> runs) {
        List<Measured> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(m -> m.row().result().throughput()));
        return sorted.get(sorted.size() / 2);
    }

    private static Measured progress(int round, Measured measured) {
        var r = measured.row().result();
        System.out.printf("round %d %-26s %10.0f req/s  p99 %.2f ms  errors %d%n", round, measured.row().name(),
                r.throughput(), r.p99Micros() / 1000, r.errors());
        return measured;
    }

    private static void print(Options o, String server, List<Measured> measured) {
        List<Row> rows = measured.stream().map(Measured::row).toList();
        Row ceiling = rows.getFirst();
        System.out.printf("%naccept benchmark: POST /messages/send, 1 recipient, webhook, sandbox workspace; %d "
                        + "keep-alive connections (dealt out across the nodes); %ds warm-up + %ds measured; "
                        + "%d round(s), median shown; JDK %s, %d cores shared by the load generator, Herald and "
                        + "PostgreSQL%n",
                o.connections(), o.warmup().toSeconds(), o.measure().toSeconds(), o.rounds(), Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("store: SQLite (fsync'd group commit) and %s; Herald pool %d connections per node%n", server,
                HeraldStore.POOL);
        System.out.printf("%-26s %10s %9s %9s %9s %8s %8s  %s%n", "", "req/s", "p50 ms", "p99 ms", "p99.9 ms",
                "errors", "/ceiling", "server RSS (per node)");
        for (Row r : rows) {
            var x = r.result();
            System.out.printf("%-26s %10.0f %9.2f %9.2f %9.2f %8d %8.2f  %s%n", r.name(), x.throughput(),
                    x.p50Micros() / 1000, x.p99Micros() / 1000, x.p999Micros() / 1000, x.errors(),
                    x.throughput() / ceiling.result().throughput(), r.rss());
        }
        double sqlite = rows.get(1).result().throughput();
        for (Row r : rows.subList(2, rows.size())) {
            System.out.printf("ratio %s / sqlite: %.2f%n", r.name(), r.result().throughput() / sqlite);
        }
        System.out.printf("cpu, warm-up and measured phase (cores busy of %d):%n",
                Runtime.getRuntime().availableProcessors());
        for (Measured m : measured.subList(1, measured.size())) {
            System.out.printf("  %-26s herald %.2f + postgres %.2f + bench process %.2f (load generator)%n",
                    m.row().name(), m.heraldCores(), m.postgresCores(), m.benchCores());
        }
        System.out.println("postgres database, warm-up and measured phase:");
        for (Measured m : measured) {
            m.database().ifPresent(d -> System.out.printf("  %-26s %d commits (%.2f per accepted request), "
                            + "%d rollbacks, %d deadlocks%n", m.row().name(), d.commits(),
                    d.commits() / (double) Math.max(1, m.row().result().accepted()), d.rollbacks(), d.deadlocks()));
        }
        for (Measured m : measured) {
            if (!m.statements().isEmpty()) {
                double accepted = Math.max(1, m.row().result().accepted());
                System.out.printf("statements of %s, warm-up and measured phase (per accepted request, mean ms):%n",
                        m.row().name());
                for (BenchPostgres.Statement s : m.statements()) {
                    System.out.printf("  %6.2f  %7.3f  %s%n", s.calls() / accepted, s.totalMillis() / s.calls(),
                            s.query().length() > 150 ? s.query().substring(0, 150) + "..." : s.query());
                }
            }
        }
        for (Row r : rows) {
            if (!r.result().errorSamples().isEmpty()) {
                System.out.println("error answers of " + r.name() + " (first distinct ones):");
                r.result().errorSamples().forEach(e -> System.out.println("  " + e));
            }
        }
    }
}
