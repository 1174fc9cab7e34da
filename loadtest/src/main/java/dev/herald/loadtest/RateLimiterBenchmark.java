package dev.herald.loadtest;

import dev.herald.ratelimit.Limit;
import dev.herald.ratelimit.Permit;
import dev.herald.ratelimit.Policy;
import dev.herald.ratelimit.RateLimiter;
import dev.herald.ratelimit.RateLimiters;
import dev.herald.ratelimit.RedisLimiterOptions;
import dev.herald.testkit.Directories;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The cost of one rate-limit decision: local Bucket4j buckets (10,000 keys, or one hot key) and Redis-backed
 * buckets with request batching against a {@code redis-server} child process on 127.0.0.1 (skipped, with a message,
 * when {@code redis-server} is not on the PATH). The limits are large enough that every decision is a grant, so the
 * Redis benchmarks measure full compare-and-swap writes; every key's bucket exists before measuring starts. Each
 * Redis trial prints how many decisions failed open (they would flatter the score). Bounded: 2 × 1 s warm-up and
 * 3 × 1 s measurement, one fork.
 *
 * <p>Run after {@code mvn -q -DskipTests -pl loadtest -am package}:
 * {@code java -cp "loadtest/target/herald-loadtest.jar:loadtest/target/lib/*" dev.herald.loadtest.RateLimiterBenchmark}
 * (or {@code org.openjdk.jmh.Main RateLimiterBenchmark -f 1 -wi 2 -i 3}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RateLimiterBenchmark {
    static final Limit GENEROUS = Limit.of(Policy.perHour("hourly", 1_000_000_000_000L),
            Policy.perSecond("burst", 1_000_000_000L));
    static final int KEYS = 10_000;

    /** A local limiter and its key set. */
    @State(Scope.Benchmark)
    public static class Local {
        RateLimiter<String> limiter;
        String[] keys;

        @Setup(Level.Trial)
        public void start() {
            limiter = RateLimiters.local();
            keys = keys();
            touchAll(limiter, keys);
        }

        @TearDown(Level.Trial)
        public void stop() {
            limiter.close();
        }
    }

    /** A Redis-backed limiter on its own {@code redis-server}. */
    @State(Scope.Benchmark)
    public static class Redis {
        RateLimiter<String> limiter;
        String[] keys;
        ChildProcess server;
        Path directory;

        @Setup(Level.Trial)
        public void start() throws Exception {
            Path executable = redisServer().orElseThrow(() -> new IllegalStateException(
                    "SKIPPED: redis-server is not on the PATH (apt-get install -y redis-server); "
                            + "the Redis benchmarks need it"));
            int port = freePort();
            directory = Files.createTempDirectory("herald-bench-redis");
            server = ChildProcess.start("redis-server", List.of(executable.toString(), "--port",
                    Integer.toString(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--dir",
                    directory.toString()), directory.resolve("redis.log"));
            server.awaitPort(port, Duration.ofSeconds(10));
            // A generous timeout: this measures Redis decisions, not fail-opens on a loaded 2-core machine.
            var options = RedisLimiterOptions.of(URI.create("redis://127.0.0.1:" + port), 1)
                    .withRequestTimeout(Duration.ofMillis(500));
            limiter = RateLimiters.redis(options, Clock.systemUTC(), System::nanoTime);
            keys = keys();
            touchAll(limiter, keys);
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            System.out.println("\nfail-open decisions during this trial: " + limiter.stats().failOpenCount());
            limiter.close();
            server.close();
            Directories.deleteTree(directory);
        }
    }

    /** Each benchmark thread walks the keys from its own offset. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = (int) (Thread.currentThread().threadId() * 7919 % KEYS);

        String key(String[] keys) {
            next = next + 1 == keys.length ? 0 : next + 1;
            return keys[next];
        }
    }

    @Benchmark
    @Threads(2)
    public Permit localManyKeys(Local local, Cursor cursor) {
        return local.limiter.tryAcquire(cursor.key(local.keys), GENEROUS).toCompletableFuture().join();
    }

    @Benchmark
    @Threads(2)
    public Permit localHotKey(Local local) {
        return local.limiter.tryAcquire("hot", GENEROUS).toCompletableFuture().join();
    }

    @Benchmark
    @Threads(16)
    public Permit redisManyKeys(Redis redis, Cursor cursor) {
        return redis.limiter.tryAcquire(cursor.key(redis.keys), GENEROUS).toCompletableFuture().join();
    }

    @Benchmark
    @Threads(16)
    public Permit redisHotKey(Redis redis) {
        return redis.limiter.tryAcquire("hot", GENEROUS).toCompletableFuture().join();
    }

    /** Creates every key's bucket before measuring, so the benchmarks measure decisions on existing buckets. */
    static void touchAll(RateLimiter<String> limiter, String[] keys) {
        for (int from = 0; from < keys.length; from += 256) {
            List<CompletableFuture<Permit>> inFlight = new ArrayList<>();
            for (int i = from; i < Math.min(keys.length, from + 256); i++) {
                inFlight.add(limiter.tryAcquire(keys[i], GENEROUS).toCompletableFuture());
            }
            inFlight.forEach(CompletableFuture::join);
        }
    }

    static String[] keys() {
        String[] keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "workspace-" + i;
        }
        return keys;
    }

    static Optional<Path> redisServer() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "redis-server")).filter(Files::isExecutable).findFirst();
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Runs every benchmark of this class, leaving out the Redis ones (with a message) without redis-server, and
     * the {@link IngressGateBenchmark}.
     */
    public static void main(String[] args) throws Exception {
        String include = RateLimiterBenchmark.class.getSimpleName() + ".";
        if (redisServer().isEmpty()) {
            System.err.println("redis-server is not on the PATH: skipping the Redis benchmarks");
            include += "local";
        }
        new Runner(new OptionsBuilder().include(include).include(IngressGateBenchmark.class.getSimpleName())
                .build()).run();
    }
}
