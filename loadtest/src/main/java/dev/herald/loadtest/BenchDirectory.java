package dev.herald.loadtest;

import dev.herald.testkit.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A benchmark's working directory (journals, configs, logs of the servers it starts): deleted when the benchmark's
 * JVM exits, since a webhook run leaves a gigabyte or more of journals; {@code HERALD_BENCH_KEEP=1} keeps it and says
 * where.
 */
final class BenchDirectory {
    private BenchDirectory() {
    }

    static Path temporary(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        if ("1".equals(System.getenv("HERALD_BENCH_KEEP"))) {
            System.out.println("working directory (kept): " + dir);
        } else {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> delete(dir)));
        }
        return dir;
    }

    private static void delete(Path dir) {
        try {
            Directories.deleteTree(dir);
        } catch (UncheckedIOException e) {
            System.err.println("could not delete the benchmark's working directory " + dir + ": " + e.getMessage());
            return;
        }
        if (Files.exists(dir)) {
            System.err.println("could not delete all of the benchmark's working directory " + dir);
        }
    }
}
