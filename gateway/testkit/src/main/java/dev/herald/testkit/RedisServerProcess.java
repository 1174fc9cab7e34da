package dev.herald.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away {@code redis-server} child process on 127.0.0.1 and a free port, without persistence, in its own
 * temporary directory. Tests are skipped when {@code redis-server} is not on the PATH, unless
 * {@code HERALD_REQUIRE_SERVICES=1}, in which case they fail.
 */
public final class RedisServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path executable;
    private final Path directory;
    private final int port;
    private @Nullable Process process;

    private RedisServerProcess(Path executable, Path directory, int port) {
        this.executable = executable;
        this.directory = directory;
        this.port = port;
    }

    /** Starts a server, or skips (or fails) the calling test when there is none to start. */
    public static RedisServerProcess start() throws IOException {
        Path executable = requireExecutable();
        var server = new RedisServerProcess(executable, Files.createTempDirectory("herald-redis"), freePort());
        try {
            server.restart();
        } catch (IOException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A free port that nothing listens on, for "Redis is not there" cases. */
    public static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The {@code redis-server} on the PATH, or skips (or fails) the calling test when there is none. */
    public static Path requireExecutable() {
        Optional<Path> found = onPath("redis-server");
        if (found.isEmpty()) {
            String why = "redis-server is not on the PATH (apt-get install -y redis-server)";
            if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
                fail(why + " and HERALD_REQUIRE_SERVICES=1");
            }
            Assumptions.abort(why);
        }
        return found.orElseThrow();
    }

    private static Optional<Path> onPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst();
    }

    /** {@code redis://127.0.0.1:port}. */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** The port the server listens on, the same across restarts. */
    public int port() {
        return port;
    }

    /** Starts the server (again) on the same port and waits until it accepts connections. */
    public void restart() throws IOException {
        List<String> command = List.of(executable.toString(), "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--bind", "127.0.0.1", "--dir", directory.toString());
        Process started = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile()).start();
        process = started;
        awaitPort(started);
    }

    /** Waits until the child accepts connections on {@code port}; fails at once if it exits. */
    private void awaitPort(Process child) {
        Eventually.until(START_TIMEOUT, "redis-server listening on " + port + " (log: " + directory.resolve("redis.log")
                + ")", () -> {
                    if (!child.isAlive()) {
                        throw new IllegalStateException("redis-server exited with status " + child.exitValue()
                                + "; see " + directory.resolve("redis.log"));
                    }
                    return accepts(port);
                });
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would, and waits until it has gone. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        kill();
        Directories.deleteTree(directory);
    }
}
