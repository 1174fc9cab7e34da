package dev.herald.loadtest;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server under test in its own JVM, so its memory is measured on its own and it owns its cores. */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final String name;

    private ChildProcess(Process process, String name) {
        this.process = process;
        this.name = name;
    }

    static ChildProcess start(String name, List<String> command, Path log) throws IOException {
        return start(name, command, log, Map.of());
    }

    /** Starts {@code command} with {@code environment} added to this process's own (e.g. a password). */
    static ChildProcess start(String name, List<String> command, Path log, Map<String, String> environment)
            throws IOException {
        var pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(environment);
        return new ChildProcess(pb.start(), name);
    }

    /** Waits until the port accepts connections. */
    void awaitPort(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue());
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(name + " did not listen on " + port + " within " + timeout);
    }

    /** CPU time the process has used so far (user and system), or zero if the platform does not tell. */
    Duration cpu() {
        return cpu(process.toHandle());
    }

    /** CPU time any process (e.g. this one) has used so far, or zero if the platform does not tell. */
    static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Resident set size and its peak, in MiB, from /proc. */
    String rss() {
        return rss(process.pid());
    }

    /** Resident set size and its peak of any process (e.g. this one), in MiB, from /proc. */
    static String rss(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
            return value(lines, "VmRSS:") + " MiB (peak " + value(lines, "VmHWM:") + " MiB)";
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** Resident set size in MiB now, or -1 if /proc does not tell. */
    long rssMib() {
        return statusMib("VmRSS:");
    }

    /** The peak resident set size in MiB, or -1 if /proc does not tell. */
    long peakRssMib() {
        return statusMib("VmHWM:");
    }

    private long statusMib(String key) {
        try {
            return value(Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")), key);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).orElse(-1L);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
