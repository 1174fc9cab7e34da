package dev.herald.loadtest;

import dev.herald.config.StoreConfig;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.store.ClaimToken;
import dev.herald.gateway.store.Deliveries;
import dev.herald.gateway.store.DeliveryUpdate;
import dev.herald.gateway.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.sqlite.SQLiteConfig;

/**
 * {@code loadtest/bench journal [--seconds 10] [--rounds 3]}: how many deliveries per second one SQLite writer thread
 * can record on this machine, with nothing else running: the floor under every end-to-end figure, and what a
 * different life of a delivery's row would buy. The journal is made by Herald itself ({@link SqliteStore}: its
 * schema, indexes and migrations); the bench then writes to it over JDBC with the writer's pragmas (WAL,
 * {@code synchronous=FULL}, a 16 MiB cache, TEMP tables in memory), in turns of one transaction and one fsync'd
 * commit holding 10 requests of 50 recipients, as a busy writer turn does. Designs, interleaved round by round:
 * <ul>
 *   <li>{@code row life}: each delivery inserted queued, claimed (the due index, the TEMP claim table), then its
 *       outcome written (the claim released, the row updated), one statement each, as Herald wrote outcomes until
 *       it batched them;</li>
 *   <li>{@code row life, batched}: the same with each turn's releases and outcomes as one statement per 50, as
 *       Herald now writes them ({@code SqliteClaims.recordAll}: 64 per statement, each checked on its claim);</li>
 *   <li>{@code row once}: each delivery written once, with its outcome (queued and claimed only in memory);</li>
 *   <li>{@code dispatch row}: one row per request carrying its 50 outcomes, no row per delivery.</li>
 * </ul>
 */
final class JournalFloorBenchmark {
    private static final int PER_REQUEST = 50;
    private static final int TURN_REQUESTS = 10;
    private static final String EGRESS = "apns:BENCHTEAM1/BENCHKEY01:development";

    private enum Design {
        ROW_LIFE("row life, one by one"), ROW_LIFE_BATCHED("row life, batched"), ROW_ONCE("row once"), DISPATCH_ROW("dispatch row");

        final String label;

        Design(String label) {
            this.label = label;
        }
    }

    private JournalFloorBenchmark() {
    }

    static void run(Duration measured, int rounds) throws Exception {
        Path dir = BenchDirectory.temporary("herald-bench-journal");
        Map<Design, List<Double>> rates = new HashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Design d : Design.values()) {
                double rate = measure(d, dir.resolve("r" + round + "-" + d.name() + ".db"), measured);
                rates.computeIfAbsent(d, x -> new ArrayList<>()).add(rate);
                System.out.printf("round %d %-18s %10.0f deliveries/s%n", round, d.label, rate);
            }
        }
        System.out.printf("%njournal floor: one SQLite writer thread, Herald's journal schema and writer pragmas, "
                + "fsync'd commits of %d requests x %d recipients; %ds measured; %d round(s), median shown; "
                + "JDK %s, %d cores%n",
                TURN_REQUESTS, PER_REQUEST, measured.toSeconds(), rounds, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        double base = median(rates.get(Design.ROW_LIFE));
        System.out.printf("%-22s %14s %14s%n", "design", "deliveries/s", "vs one by one");
        for (Design d : Design.values()) {
            double m = median(rates.get(d));
            System.out.printf("%-22s %14.0f %13.2fx%n", d.label, m, m / base);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    private static double measure(Design design, Path journal, Duration measured) throws Exception {
        SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, journal, 1000, Duration.ofDays(7))).close();
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        cfg.setCacheSize(-16 * 1024);
        cfg.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "4000");
        cfg.setGetGeneratedKeys(false);
        try (Connection c = cfg.createConnection("jdbc:sqlite:" + journal)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE dispatch_outcome (id TEXT PRIMARY KEY, outcomes BLOB NOT NULL)");
                s.execute("CREATE TEMP TABLE claimed (delivery INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
                        + "attempt INTEGER NOT NULL)");
            }
            c.setAutoCommit(false);
            return new Writer(c, design).run(measured);
        }
    }

    /** One writer's turns for one design. */
    private static final class Writer {
        private final Connection c;
        private final Design design;
        private final SplittableRandom random = new SplittableRandom(1);
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private final List<Object[]> claimed = new ArrayList<>(); // {row, id}
        private long seq;
        private long recorded;

        Writer(Connection c, Design design) {
            this.c = c;
            this.design = design;
        }

        double run(Duration measured) throws SQLException {
            long start = System.nanoTime();
            long end = start + measured.toNanos();
            while (System.nanoTime() < end) {
                long now = System.currentTimeMillis();
                for (int q = 0; q < TURN_REQUESTS; q++) {
                    request(now);
                }
                switch (design) {
                    case ROW_LIFE, ROW_LIFE_BATCHED -> {
                        outcomes(now);
                        claim(now);
                    }
                    case ROW_ONCE, DISPATCH_ROW -> {
                    }
                }
                c.commit();
            }
            return recorded / ((System.nanoTime() - start) / 1e9);
        }

        private PreparedStatement ps(String sql) {
            return statements.computeIfAbsent(sql, q -> {
                try {
                    return c.prepareStatement(q);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        private void request(long now) throws SQLException {
            String dispatch = String.format("%012x%020x", now, seq++);
            if (design == Design.DISPATCH_ROW) {
                PreparedStatement ps = ps("INSERT INTO dispatch_outcome (id, outcomes) VALUES (?, ?)");
                ps.setString(1, dispatch);
                ps.setBytes(2, new byte[PER_REQUEST * 8]); // per recipient: status and time
                ps.executeUpdate();
                recorded += PER_REQUEST;
                return;
            }
            boolean once = design == Design.ROW_ONCE;
            PreparedStatement ps = ps("INSERT INTO delivery (id, dispatch_id, workspace, channel, recipient, "
                    + "address, egress_key, lane, status, attempts, next_attempt_at, expires_at, created_at, "
                    + "updated_at, user_id, app_id, provider_message_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                    + "ON CONFLICT (dispatch_id, recipient, channel, address) DO NOTHING");
            for (int i = 0; i < PER_REQUEST; i++) {
                int user = random.nextInt(10_000);
                String id = new UUID((now << 16) | 0x7000L | random.nextInt(4096),
                        random.nextLong() | 0x8000000000000000L).toString();
                ps.setString(1, id);
                ps.setString(2, dispatch);
                ps.setString(3, "push");
                ps.setString(4, "apple_push");
                ps.setString(5, "external_id:bench-user-" + user);
                ps.setString(6, String.format("%064x", user * 7919L));
                ps.setString(7, EGRESS);
                ps.setString(8, "standard");
                ps.setString(9, once ? "sent" : "queued");
                ps.setInt(10, once ? 1 : 0);
                ps.setLong(11, now);
                ps.setLong(12, now + 86_400_000L);
                ps.setLong(13, now);
                ps.setLong(14, now);
                ps.setLong(15, user + 1);
                ps.setString(16, "ios-bench");
                if (once) {
                    ps.setString(17, id);
                } else {
                    ps.setNull(17, Types.VARCHAR);
                }
                ps.executeUpdate();
                if (once) {
                    recorded++;
                }
            }
        }

        private void claim(long now) throws SQLException {
            PreparedStatement due = ps("SELECT d.rowid, d.id FROM delivery d WHERE d.status = 'queued' AND d.lane = ? "
                    + "AND d.workspace = ? AND d.egress_key = ? AND d.next_attempt_at <= ? "
                    + "AND d.rowid NOT IN (SELECT delivery FROM temp.claimed) ORDER BY d.next_attempt_at LIMIT ?");
            due.setString(1, "standard");
            due.setString(2, "push");
            due.setString(3, EGRESS);
            due.setLong(4, now);
            due.setInt(5, PER_REQUEST * TURN_REQUESTS);
            try (ResultSet rs = due.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Object[] {rs.getLong(1), rs.getString(2)});
                }
            }
            PreparedStatement take = ps("INSERT INTO temp.claimed (delivery, id, attempt) VALUES (?, ?, 1)");
            for (Object[] d : claimed) {
                take.setLong(1, (Long) d[0]);
                take.setString(2, (String) d[1]);
                take.executeUpdate();
            }
        }

        private void outcomes(long now) throws SQLException {
            if (design == Design.ROW_LIFE_BATCHED) {
                for (int from = 0; from < claimed.size(); from += PER_REQUEST) {
                    batchedOutcomes(claimed.subList(from, Math.min(claimed.size(), from + PER_REQUEST)), now);
                }
                claimed.clear();
                return;
            }
            // Herald's own statements (SqliteClaims.record): the claim released, its row returned; then the row.
            PreparedStatement release = ps("DELETE FROM temp.claimed WHERE id = ? AND attempt = 1 RETURNING delivery");
            PreparedStatement update = ps(Deliveries.outcomeUpdate("", "rowid = ?"));
            for (Object[] d : claimed) {
                release.setString(1, (String) d[1]);
                long row;
                try (ResultSet rs = release.executeQuery()) {
                    rs.next();
                    row = rs.getLong(1);
                }
                UUID id = UUID.fromString((String) d[1]);
                var sent = new DeliveryUpdate(id, DeliveryStatus.SENT, Optional.empty(), Optional.empty(),
                        Optional.of(id.toString()), Optional.empty());
                Deliveries.bindOutcome(update, sent, Optional.empty(), Instant.ofEpochMilli(now),
                        new ClaimToken(id, 1, "bench"));
                update.setLong(9, row);
                if (update.executeUpdate() != 1) {
                    throw new IllegalStateException("an outcome found no row");
                }
                recorded++;
            }
            claimed.clear();
        }

        private void batchedOutcomes(List<Object[]> chunk, long now) throws SQLException {
            int n = chunk.size();
            PreparedStatement release = ps("DELETE FROM temp.claimed WHERE delivery IN (" + "?,".repeat(n - 1) + "?)");
            for (int i = 0; i < n; i++) {
                release.setLong(i + 1, (Long) chunk.get(i)[0]);
            }
            release.executeUpdate();
            PreparedStatement update = ps("WITH v(r, id, pid) AS (VALUES " + "(?,?,?),".repeat(n - 1) + "(?,?,?)) "
                    + "UPDATE delivery SET status = 'sent', attempts = attempts + 1, updated_at = ?, "
                    + "provider_message_id = (SELECT pid FROM v WHERE r = delivery.rowid) "
                    + "WHERE rowid IN (SELECT r FROM v) AND status = 'queued' AND attempts = 0");
            int k = 1;
            for (Object[] d : chunk) {
                update.setLong(k++, (Long) d[0]);
                update.setString(k++, (String) d[1]);
                update.setString(k++, (String) d[1]);
            }
            update.setLong(k, now);
            if (update.executeUpdate() != n) {
                throw new IllegalStateException("a batched outcome found fewer rows");
            }
            recorded += n;
        }
    }
}
