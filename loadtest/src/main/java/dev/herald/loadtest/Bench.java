package dev.herald.loadtest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Entry point of {@code loadtest/bench}: {@code Bench accept [--connections N] [--warmup S] [--seconds S]
 * [--max-requests N] [--rounds N]}.
 */
public final class Bench {
    private Bench() {
    }

    /** Runs the named benchmark. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("accept")) {
            System.err.println("usage: loadtest/bench accept [--connections 32] [--warmup 3] [--seconds 10] "
                    + "[--max-requests 2000000] [--rounds 1]");
            System.exit(2);
        }
        int connections = 32;
        int warmup = 3;
        int seconds = 10;
        long max = 2_000_000;
        int rounds = 1;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--max-requests" -> max = Long.parseLong(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (seconds > 600 || warmup > 120 || rounds > 20) {
            throw new IllegalArgumentException("bounded runs only: --seconds <= 600, --warmup <= 120, --rounds <= 20");
        }
        Path jar = Path.of(System.getProperty("herald.jar", "gateway/target/herald.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " not found: build first (loadtest/bench does)");
        }
        AcceptBenchmark.run(new AcceptBenchmark.Options(connections, Duration.ofSeconds(warmup),
                Duration.ofSeconds(seconds), max, rounds, jar));
    }
}
