package dev.herald.loadtest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.herald.config.ApiKeyConfig;
import dev.herald.config.EventsConfig;
import dev.herald.config.LimitsConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.auth.Principal;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.IngressGate;
import dev.herald.gateway.ingress.IngressKey;
import dev.herald.gateway.ingress.RateLimitGate;
import dev.herald.ratelimit.RateLimiter;
import dev.herald.ratelimit.RateLimiters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

/**
 * What the ingress gate adds to one API request, in isolation: classify, one local decision on a hot workspace
 * (two threads, as two event loops would), the five headers on the response, the counters — against the same
 * call through {@link IngressGate#open()}. Run by {@code loadtest/bench ratelimit}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class IngressGateBenchmark {
    private static final Endpoint SEND = Endpoint.post("/messages/send", Access.permission("messages.send"),
            call -> CompletableFuture.completedFuture(ApiResponse.json(201, JsonNodeFactory.instance.objectNode())));
    private static final CompletableFuture<ApiResponse> CREATED =
            CompletableFuture.completedFuture(ApiResponse.json(201, JsonNodeFactory.instance.objectNode()));

    /** A gate with limits high enough that everything is granted, and the open gate. */
    @State(Scope.Benchmark)
    public static class Gates {
        RateLimiter<IngressKey> limiter;
        IngressGate limited;
        IngressGate open = IngressGate.open();
        ApiCall call;

        @Setup(Level.Trial)
        public void start() {
            limiter = RateLimiters.local();
            limited = new RateLimitGate(limiter, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            var ws = new WorkspaceConfig("bench", true, List.of(),
                    new LimitsConfig(1_000_000_000L, 1_000_000_000L, 3_000, 250, 1_000), List.of(), Optional.empty(),
                    Optional.empty(), List.of(), List.of(), EventsConfig.none());
            var request = new ApiRequest("POST", "/messages/send", Map.of(), new DefaultHttpHeaders(), new byte[0],
                    new InetSocketAddress("127.0.0.1", 1));
            call = new ApiCall(request, new Principal(ws, new ApiKeyConfig("k", "0".repeat(64),
                    Set.of("messages.send"))), JsonNodeFactory.instance.objectNode(), Map.of(), java.time.Instant.now(),
                    Optional.empty());
        }

        @TearDown(Level.Trial)
        public void stop() {
            limiter.close();
        }
    }

    @Benchmark
    @Threads(2)
    public ApiResponse limited(Gates g) {
        return g.limited.admit(SEND, g.call).thenCompose(a -> a.decorate(CREATED)).toCompletableFuture().join();
    }

    @Benchmark
    @Threads(2)
    public ApiResponse open(Gates g) {
        return g.open.admit(SEND, g.call).thenCompose(a -> a.decorate(CREATED)).toCompletableFuture().join();
    }
}
