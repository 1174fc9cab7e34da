package dev.herald.gateway.ingress;

import dev.herald.config.LimitsConfig;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiErrors;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.IngressGate;
import dev.herald.ratelimit.Limit;
import dev.herald.ratelimit.Permit;
import dev.herald.ratelimit.Policy;
import dev.herald.ratelimit.PolicyState;
import dev.herald.ratelimit.RateLimitHeaders;
import dev.herald.ratelimit.RateLimiter;
import dev.herald.ratelimit.RateLimiters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ingress limit (DESIGN §1 and §3): one bucket per workspace and {@link RateClass}, limits read from the
 * caller's workspace on every call, so a configuration reload applies to the next request (the limiter
 * reconfigures a live bucket in place). An admitted call's response, the handler's own errors included, carries
 * {@code X-RateLimit-*}, {@code RateLimit-Policy} and {@code RateLimit}; a refused one is a 429 in Braze's
 * envelope with the same headers and {@code Retry-After}.
 *
 * <p>Never blocks: a local decision is immediate; a Redis decision completes on a Redis I/O thread, where the
 * rest of the (non-blocking) pipeline then continues.
 */
public final class RateLimitGate implements IngressGate {
    private static final int[] COMMON_STATUSES = {200, 201, 400, 429};
    private final RateLimiter<IngressKey> limiter;
    private final Clock clock;
    private final MeterRegistry registry;
    /** Per workspace limits (one entry per loaded config); cleared past a size no reload pattern should reach. */
    private final Map<LimitsConfig, Map<RateClass, Limit>> limits = new ConcurrentHashMap<>();
    private final Map<RateClass, Counter[]> requests = new EnumMap<>(RateClass.class);
    private final Map<RateClass, Counter> refused = new EnumMap<>(RateClass.class);

    /**
     * A gate over {@code limiter} (which the caller owns and closes).
     *
     * @param clock    the wall clock for {@code X-RateLimit-Reset}
     * @param registry where {@code herald.ingress.requests} and {@code herald.ratelimit.refused} are counted
     */
    public RateLimitGate(RateLimiter<IngressKey> limiter, Clock clock, MeterRegistry registry) {
        this.limiter = limiter;
        this.clock = clock;
        this.registry = registry;
        for (RateClass c : RateClass.values()) {
            requests.put(c, new Counter[600]);
            refused.put(c, Counter.builder("herald.ratelimit.refused").description("requests refused with 429")
                    .tag("class", c.wireName()).register(registry));
            for (int status : COMMON_STATUSES) {
                counter(c, status);
            }
        }
        warmUp(clock);
    }

    /**
     * Runs both decisions once on a private limiter, so the first real requests after a start do not pay for
     * loading the refusal path (a burst is judged in wall-clock time, and a cold 429 costs tens of ms).
     */
    private static void warmUp(Clock clock) {
        try (RateLimiter<String> scratch = RateLimiters.local()) {
            Limit one = Limit.of(Policy.perHour("warm-up", 1));
            for (int i = 0; i < 2; i++) {
                Permit permit = scratch.tryAcquire("warm-up", one).toCompletableFuture().join();
                var headers = RateLimitHeaders.of(permit, clock.instant());
                if (permit instanceof Permit.Denied denied) {
                    ApiErrors.toResponse(new ApiException(429, refusal(RateClass.GENERAL, denied), List.of(), headers));
                }
            }
        }
    }

    @Override
    public CompletionStage<Admitted> admit(Endpoint endpoint, ApiCall call) {
        RateClass rateClass = RateClass.of(endpoint, call.body());
        Limit limit = limitsOf(call.principal().workspace().limits()).get(rateClass);
        return limiter.tryAcquire(new IngressKey(call.principal().workspaceId(), rateClass), limit)
                .thenApply(permit -> decide(rateClass, permit));
    }

    private Admitted decide(RateClass rateClass, Permit permit) {
        Map<String, String> headers = RateLimitHeaders.of(permit, clock.instant());
        return switch (permit) {
            case Permit.Granted granted -> response -> response.thenApply(r -> {
                count(rateClass, r.status());
                return r.withHeaders(headers);
            });
            case Permit.Denied denied -> {
                count(rateClass, 429);
                refused.get(rateClass).increment();
                throw new ApiException(429, refusal(rateClass, denied), List.of(), headers);
            }
        };
    }

    private static String refusal(RateClass rateClass, Permit.Denied denied) {
        PolicyState violated = denied.states().stream().filter(s -> s.policy().equals(denied.violated()))
                .findFirst().orElseThrow();
        return "API rate limit exceeded: the workspace's " + rateClass.wireName() + " limit \""
                + violated.policy().name() + "\" (" + violated.policy().capacity() + " requests per "
                + violated.policy().period().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + ") is used up; retry after " + denied.retryAfterSeconds() + " s";
    }

    private void count(RateClass rateClass, int status) {
        counter(rateClass, status).increment();
    }

    private Counter counter(RateClass rateClass, int status) {
        Counter[] byStatus = requests.get(rateClass);
        Counter counter = status >= 0 && status < byStatus.length ? byStatus[status] : null;
        if (counter == null) { // a benign race: the registry returns the same counter to both
            counter = Counter.builder("herald.ingress.requests")
                    .description("API requests that reached the rate limiter, by class and response status")
                    .tag("class", rateClass.wireName()).tag("status", Integer.toString(status)).register(registry);
            if (status >= 0 && status < byStatus.length) {
                byStatus[status] = counter;
            }
        }
        return counter;
    }

    private Map<RateClass, Limit> limitsOf(LimitsConfig config) {
        Map<RateClass, Limit> byClass = limits.get(config);
        if (byClass == null) {
            if (limits.size() > 1_000) {
                limits.clear();
            }
            byClass = limits.computeIfAbsent(config, RateLimitGate::limitsByClass);
        }
        return byClass;
    }

    private static Map<RateClass, Limit> limitsByClass(LimitsConfig config) {
        Map<RateClass, Limit> byClass = new EnumMap<>(RateClass.class);
        for (RateClass c : RateClass.values()) {
            byClass.put(c, c.limit(config));
        }
        return byClass;
    }
}
