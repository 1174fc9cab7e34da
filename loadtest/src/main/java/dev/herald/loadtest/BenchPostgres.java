package dev.herald.loadtest;

import dev.herald.testkit.PostgresServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The PostgreSQL server of one benchmark run: the testkit's throw-away server on 127.0.0.1, with fsync on, because
 * a benchmark of durable accept has to pay for durability as production does. Each Herald (or each group of nodes
 * sharing a store) gets a database of its own, so no run inherits another's tables. The server shares the cores
 * with everything else, so {@link #cpu()} tells what it used; its log is copied out before the server (and its
 * directory) is deleted, since that is where the details of a failed statement are.
 */
final class BenchPostgres implements AutoCloseable {
    private final PostgresServerProcess server;
    private final Path logCopy;
    private final Path dataDirectory;

    /**
     * A database's transaction counters ({@code pg_stat_database}), to tell how well Herald batches its commits and
     * whether its transactions collide.
     */
    record Counters(long commits, long rollbacks, long deadlocks) {
        Counters minus(Counters before) {
            return new Counters(commits - before.commits, rollbacks - before.rollbacks, deadlocks - before.deadlocks);
        }
    }

    /** Why {@code --store postgres} cannot run here; the bench prints the message instead of a stack trace. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private BenchPostgres(PostgresServerProcess server, Path logCopy, Path dataDirectory) {
        this.server = server;
        this.logCopy = logCopy;
        this.dataDirectory = dataDirectory;
    }

    /** Starts a server, or explains why it cannot; its log is copied to {@code logCopy} when it stops. */
    static BenchPostgres start(Path logCopy) throws Unavailable {
        // Checked first: the testkit's own check aborts the way a skipped test does, which is no message for a user.
        if (!PostgresServerProcess.available()) {
            throw new Unavailable("--store postgres needs PostgreSQL installed under /usr/lib/postgresql/N/bin "
                    + "(e.g. apt-get install -y postgresql); none was found");
        }
        PostgresServerProcess server;
        try {
            server = PostgresServerProcess.start(true);
        } catch (Exception | AssertionError e) {
            throw new Unavailable("PostgreSQL did not start: " + e.getMessage());
        }
        try {
            return new BenchPostgres(server, logCopy, Path.of(setting(server, "data_directory")));
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw new Unavailable("PostgreSQL started but cannot be queried: " + e.getMessage());
        }
    }

    private static String setting(PostgresServerProcess server, String name) throws SQLException {
        try (var c = adminStore(server).connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static HeraldStore adminStore(PostgresServerProcess server) {
        return HeraldStore.postgres(server.url("postgres"), PostgresServerProcess.USER,
                PostgresServerProcess.PASSWORD);
    }

    /**
     * CPU time the server has used so far: the postmaster and its live children (one backend per connection,
     * which lives as long as the pool keeps it, and the background writers). A backend that has exited no longer
     * counts, so take differences over spans in which Herald's pool stays open.
     */
    Duration cpu() {
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).getFirst().strip());
            return ProcessHandle.of(pid).map(postmaster -> Stream.concat(Stream.of(postmaster),
                            postmaster.descendants()).map(ChildProcess::cpu).reduce(Duration.ZERO, Duration::plus))
                    .orElse(Duration.ZERO);
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    /** A new, empty database for Herald, who logs in with a password as a deployment would. */
    HeraldStore newDatabase() {
        return HeraldStore.postgres(server.createDatabase(), PostgresServerProcess.USER,
                PostgresServerProcess.PASSWORD);
    }

    /**
     * The counters of {@code store}'s database so far. A backend reports its counts about once a second and when
     * it exits: read after Herald has stopped for exact figures.
     */
    Counters counters(HeraldStore store) throws SQLException {
        try (var c = store.connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT xact_commit, xact_rollback, deadlocks "
                     + "FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return new Counters(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /** One statement's share of a run ({@code pg_stat_statements}): how often it ran and its time in the server. */
    record Statement(String query, long calls, double totalMillis) {
    }

    /**
     * Starts counting {@code store}'s statements afresh; false when the server has no statement statistics (a
     * server without {@code pg_stat_statements}), and then {@link #statements} answers nothing.
     */
    boolean resetStatements(HeraldStore store) {
        try (var c = store.connect(); var s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            s.execute("SELECT pg_stat_statements_reset()");
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The {@code limit} statements of {@code store}'s database that ran most often since the last reset. */
    List<Statement> statements(HeraldStore store, int limit) {
        List<Statement> top = new ArrayList<>();
        try (var c = store.connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT query, calls, total_exec_time "
                     + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
                     + "WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%' "
                     + "ORDER BY calls DESC LIMIT " + limit)) {
            while (rs.next()) {
                top.add(new Statement(rs.getString(1).replaceAll("\\s+", " "), rs.getLong(2), rs.getDouble(3)));
            }
        } catch (SQLException e) {
            return List.of();
        }
        return top;
    }

    /** The server's version and the settings that decide what a commit costs, for the report. */
    String describe() {
        try (var c = adminStore(server).connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('server_version'), "
                     + "current_setting('fsync'), current_setting('synchronous_commit'), "
                     + "current_setting('wal_sync_method'), current_setting('shared_buffers')")) {
            rs.next();
            return "PostgreSQL %s on 127.0.0.1:%d (fsync %s, synchronous_commit %s, wal_sync_method %s, "
                    .formatted(rs.getString(1), server.port(), rs.getString(2), rs.getString(3), rs.getString(4))
                    + "shared_buffers " + rs.getString(5) + ")";
        } catch (SQLException e) {
            return "PostgreSQL on 127.0.0.1:" + server.port() + " (settings unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            // The testkit's server writes its log beside the data directory.
            Files.copy(dataDirectory.resolveSibling("server.log"), logCopy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.out.println("(PostgreSQL's log could not be kept: " + e + ")");
        }
        server.close();
    }
}
