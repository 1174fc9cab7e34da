package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The unmodified {@code braze-api} npm client ({@value #VERSION}, braze-api.md §9), driving a running Herald the
 * way a Node backend would. It is installed from the npm registry once into {@code target/braze-client} (reused
 * while the installed version matches); each {@link #run} starts {@code node} on a small script that gets
 * {@code braze} (a {@code new Braze(baseUrl, apiKey)}) and returns what the test should see. The answer comes back
 * as JSON: {@code {"result": <the value>}}, or {@code {"error": {"message", "status", "errors"}}} when the client
 * threw (its {@code ResponseError} for a non-2xx answer).
 *
 * <p>Without {@code node} or {@code npm}, or without the registry, the calling test is skipped; with
 * {@code HERALD_REQUIRE_SERVICES=1} (CI) it fails instead. Any area can add tests on it: write the calls as
 * JavaScript, assert on the JSON.
 */
final class BrazeNpmClient {
    /** The client version Herald is checked against. */
    static final String VERSION = "2.13.4";
    private static final Path HOME = Path.of("target", "braze-client").toAbsolutePath();
    private static final Duration INSTALL_LIMIT = Duration.ofMinutes(5);
    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);
    /**
     * Runs the script file given as the third argument as the body of an async function of {@code braze}; prints
     * one JSON line. Node's own fetch is not used: the client brings node-fetch, exactly as a backend would run it.
     */
    private static final String RUNNER = """
            'use strict';
            const fs = require('fs');
            const { Braze } = require('braze-api');
            const [, , baseUrl, apiKey, scriptFile] = process.argv;
            const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
            const script = new AsyncFunction('braze', fs.readFileSync(scriptFile, 'utf8'));
            script(new Braze(baseUrl, apiKey)).then(
              (result) => process.stdout.write(JSON.stringify({ result: result === undefined ? null : result })),
              (e) => process.stdout.write(JSON.stringify({ error: { message: String(e && e.message),
                status: e && e.status !== undefined ? e.status : null,
                errors: e && e.errors !== undefined ? e.errors : null } })));
            """;
    private static volatile BrazeNpmClient installed;

    private final Path home;

    private BrazeNpmClient(Path home) {
        this.home = home;
    }

    /** The installed client, installing it first if needed; skips (or fails) the test when it cannot be. */
    static BrazeNpmClient installed() {
        BrazeNpmClient c = installed;
        if (c != null) {
            return c;
        }
        synchronized (BrazeNpmClient.class) {
            if (installed == null) {
                installed = install();
            }
            return installed;
        }
    }

    private static BrazeNpmClient install() {
        for (String tool : new String[] {"node", "npm"}) {
            if (!onPath(tool)) {
                unavailable(tool + " is not installed (apt-get install -y nodejs npm)");
            }
        }
        try {
            Files.createDirectories(HOME);
            // Another test JVM (the PostgreSQL execution, a parallel build) may be installing into the same place.
            try (FileChannel lockFile = FileChannel.open(HOME.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
                if (!installedVersionMatches()) {
                    Files.writeString(HOME.resolve("package.json"), "{\"name\":\"herald-braze-client\",\"private\":true}\n");
                    Result r = exec(List.of("npm", "install", "--no-audit", "--no-fund",
                            "braze-api@" + VERSION), INSTALL_LIMIT);
                    if (r.exit() != 0 || !installedVersionMatches()) {
                        unavailable("npm install braze-api@" + VERSION + " failed (exit " + r.exit() + "): "
                                + r.output().strip());
                    }
                }
                Files.writeString(HOME.resolve("run.js"), RUNNER);
            }
        } catch (IOException e) {
            unavailable("cannot prepare " + HOME + ": " + e);
        }
        return new BrazeNpmClient(HOME);
    }

    private static boolean installedVersionMatches() throws IOException {
        Path pkg = HOME.resolve("node_modules/braze-api/package.json");
        return Files.exists(pkg) && VERSION.equals(Json.parse(Files.readString(pkg)).path("version").asText());
    }

    /**
     * Runs {@code script} (the body of an async function of {@code braze}; {@code return} what to assert on) against
     * {@code baseUrl} with {@code apiKey}.
     *
     * @return {@code {"result": ...}} or {@code {"error": {...}}}
     */
    JsonNode run(URI baseUrl, String apiKey, String script) {
        try {
            Path file = Files.createTempFile(home, "script-", ".js");
            try {
                Files.writeString(file, script);
                Result r = exec(List.of("node", home.resolve("run.js").toString(), baseUrl.toString(), apiKey,
                        file.toString()), RUN_LIMIT);
                String out = r.output().strip();
                String last = out.substring(out.lastIndexOf('\n') + 1);
                if (r.exit() != 0 || !last.startsWith("{")) {
                    throw new AssertionError("node exited " + r.exit() + ": " + out);
                }
                return Json.parse(last);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #run} of one client method with one argument: {@code call(url, key, "email.bounce.remove", json)}. */
    JsonNode call(URI baseUrl, String apiKey, String method, String argumentJson) {
        return run(baseUrl, apiKey, "return await braze." + method + "(" + argumentJson + ");");
    }

    private record Result(int exit, String output) {
    }

    private static Result exec(List<String> command, Duration limit) throws IOException {
        // Output goes to a file, so a chatty npm can never fill a pipe and stall before it exits.
        Path log = Files.createTempFile(HOME, "out-", ".log");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).directory(HOME.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + limit);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void unavailable(String why) {
        if ("1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
            fail(why + " and HERALD_REQUIRE_SERVICES=1");
        }
        Assumptions.abort(why);
    }
}
