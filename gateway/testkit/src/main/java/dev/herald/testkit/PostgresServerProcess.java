package dev.herald.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PostgreSQL server from the Debian package ({@code /usr/lib/postgresql/N/bin}), in its own temporary
 * directory, listening on 127.0.0.1 and a free port. PostgreSQL refuses to run as root: when the tests run as root
 * the server runs as the package's {@code postgres} user. Tests are skipped when no server is installed, unless
 * {@code HERALD_REQUIRE_SERVICES=1}, in which case they fail.
 *
 * <p>{@link #shared()} is one server for the whole test JVM (started once, stopped at exit); each test takes its
 * own database from it with {@link #createDatabase()}. {@link #start()} gives a test a server of its own, to stop
 * and start again.
 */
public final class PostgresServerProcess implements AutoCloseable {
    /** The role tests log in as, with {@link #PASSWORD}. */
    public static final String USER = "herald";
    /** The password of {@link #USER}. */
    public static final String PASSWORD = "herald-test-password";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static @Nullable PostgresServerProcess shared;

    private final Path bin;
    private final Path directory;
    private final int port;
    private final boolean asPostgresUser;
    private final boolean fsync;

    private PostgresServerProcess(Path bin, Path directory, int port, boolean asPostgresUser, boolean fsync) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
        this.fsync = fsync;
    }

    /** The server shared by every test of this JVM, started on first use; skips (or fails) when there is none. */
    public static synchronized PostgresServerProcess shared() throws IOException {
        if (shared == null) {
            PostgresServerProcess s = start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "herald-test-postgres-stop"));
            shared = s;
        }
        return shared;
    }

    /**
     * A server of the caller's own, without fsync (tests check Herald, not the disk); skips (or fails) the calling
     * test when PostgreSQL is not installed.
     */
    public static PostgresServerProcess start() throws IOException {
        return start(false);
    }

    /**
     * A server of the caller's own; {@code fsync} as in production (benchmarks measure with it: a commit is flushed
     * to disk before it returns).
     */
    public static PostgresServerProcess start(boolean fsync) throws IOException {
        Path bin = requireBinaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("herald-pg");
        var server = new PostgresServerProcess(bin, dir, RedisServerProcess.freePort(), root, fsync);
        try {
            server.init();
            server.restart();
            server.admin("CREATE ROLE " + USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
        } catch (IOException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The newest installed server's binaries, or skips (or fails) the calling test. */
    public static Path requireBinaries() {
        Optional<Path> found = installed();
        if (found.isEmpty()) {
            String why = "PostgreSQL is not installed (apt-get install -y postgresql)";
            if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
                fail(why + " and HERALD_REQUIRE_SERVICES=1");
            }
            Assumptions.abort(why);
        }
        return found.orElseThrow();
    }

    /** Whether a server can be started here. */
    public static boolean available() {
        return installed().isPresent();
    }

    private static Optional<Path> installed() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(PostgresServerProcess::major));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int major(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void init() throws IOException {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (asPostgresUser) {
            UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("postgres");
            Files.setOwner(directory, postgres);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--no-sync"), "initdb");
    }

    private Path data() {
        return directory.resolve("data");
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/}{@code database}. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The port the server listens on, the same across restarts. */
    public int port() {
        return port;
    }

    /** A new, empty database owned by {@link #USER}; returns its JDBC URL. */
    public String createDatabase() {
        String name = "herald_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        admin("CREATE DATABASE " + name + " OWNER " + USER);
        return url(name);
    }

    /** Runs one statement as the superuser in the {@code postgres} database. */
    public void admin(String sql) {
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Starts the server (again) on the same port and waits until it accepts connections. */
    public void restart() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
                directory.resolve("server.log").toString(), "-w", "-t", Long.toString(START_TIMEOUT.toSeconds()),
                "-o", "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=" + (fsync ? "on" : "off")
                        + " -c max_connections=300 -c shared_buffers=128MB" + statementStatistics(), "start"),
                "pg_ctl start");
        Eventually.until(START_TIMEOUT, "PostgreSQL listening on " + port, () -> accepts(port));
    }

    /**
     * With fsync on (a benchmark's server), per-statement counts when the server ships {@code pg_stat_statements}:
     * what a benchmark prints to show where the database's time goes. Tests' servers go without.
     */
    private String statementStatistics() {
        return fsync && Files.exists(bin.resolveSibling("lib").resolve("pg_stat_statements.so"))
                ? " -c shared_preload_libraries=pg_stat_statements" : "";
    }

    /** Stops the server at once ({@code immediate}: no checkpoint, as a crash would) and waits until it is gone. */
    public void stop() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w",
                    "stop"), "pg_ctl stop");
        } catch (IOException | RuntimeException e) {
            // already stopped
        }
    }

    private void run(List<String> command, String what) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path log = directory.resolve(what.replace(' ', '-') + ".out");
        Process p = new ProcessBuilder(full).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(START_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(what + " failed with status " + p.exitValue() + ": "
                    + Files.readString(log).strip());
        }
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        stop();
        Directories.deleteTree(directory);
    }
}
