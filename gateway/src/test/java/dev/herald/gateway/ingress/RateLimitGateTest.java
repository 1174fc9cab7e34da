package dev.herald.gateway.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.ApiKeyConfig;
import dev.herald.config.LimitsConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.auth.Principal;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.ratelimit.RateLimiter;
import dev.herald.ratelimit.RateLimiters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ingress gate with local buckets on a fake nanosecond clock and a fixed wall clock: exact header values. */
final class RateLimitGateTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Endpoint SEND = Endpoint.post("/messages/send", Access.permission("messages.send"),
            call -> CompletableFuture.completedFuture(ApiResponse.json(201, Json.object())));
    private static final Endpoint TRACK = Endpoint.post("/users/track", Access.permission("users.track"),
            call -> CompletableFuture.completedFuture(ApiResponse.json(201, Json.object())));

    private long nanos = 1_000_000_000L;
    private final RateLimiter<IngressKey> limiter = RateLimiters.local(() -> nanos);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RateLimitGate gate = new RateLimitGate(limiter, Clock.fixed(NOW, ZoneOffset.UTC), registry);

    @AfterEach
    void close() {
        limiter.close();
    }

    private static ApiCall call(String workspace, LimitsConfig limits, String body) throws Exception {
        var ws = new WorkspaceConfig(workspace, false, List.of(), limits, List.of(), java.util.Optional.empty(),
                java.util.Optional.empty(), List.of(), List.of(), dev.herald.config.EventsConfig.none());
        var request = new ApiRequest("POST", "/messages/send", Map.of(), new DefaultHttpHeaders(), new byte[0],
                new InetSocketAddress("127.0.0.1", 1));
        JsonNode json = Json.parse(body);
        return new ApiCall(request, new Principal(ws, new ApiKeyConfig("k", "0".repeat(64), Set.of("messages.send"))),
                json, Map.of(), NOW, java.util.Optional.empty());
    }

    private static ApiCall call(String workspace, LimitsConfig limits) throws Exception {
        return call(workspace, limits, "{}");
    }

    /** The response a call gets when its handler answers {@code status}; a refusal becomes its 429 response. */
    private ApiResponse respond(Endpoint endpoint, ApiCall call, int status) {
        return gate.admit(endpoint, call)
                .thenCompose(a -> a.decorate(CompletableFuture.completedFuture(ApiResponse.json(status, Json.object()))))
                .exceptionally(e -> {
                    var refused = assertInstanceOf(ApiException.class, e instanceof CompletionException c ? c.getCause() : e);
                    return ApiResponse.error(refused.status(), refused.getMessage(), refused.errors())
                            .withHeaders(refused.headers());
                })
                .toCompletableFuture().join();
    }

    @Test
    void aGrantedCallCarriesBothPoliciesAndTheLegacyHeadersOfTheOneClosestToExhaustion() throws Exception {
        var r = respond(SEND, call("acme", new LimitsConfig(1000, 5, 30, 7, 11)), 201);
        assertEquals(201, r.status());
        assertEquals("\"hourly\";q=1000;w=3600, \"burst\";q=5;w=1", r.headers().get("RateLimit-Policy"));
        assertEquals("\"hourly\";r=999;t=4, \"burst\";r=4;t=1", r.headers().get("RateLimit"));
        assertEquals("5", r.headers().get("X-RateLimit-Limit"));
        assertEquals("4", r.headers().get("X-RateLimit-Remaining"));
        assertEquals(Long.toString(NOW.getEpochSecond() + 1), r.headers().get("X-RateLimit-Reset"));
        assertEquals(null, r.headers().get("Retry-After"));
    }

    @Test
    void theHandlersOwnErrorsCarryTheHeadersToo() throws Exception {
        var r = respond(SEND, call("acme", new LimitsConfig(1000, 5, 30, 7, 11)), 400);
        assertEquals(400, r.status());
        assertEquals("4", r.headers().get("X-RateLimit-Remaining"));
    }

    @Test
    void pastTheBurstA429CarriesTheEnvelopeRetryAfterAndTheSameHeaders() throws Exception {
        var limits = new LimitsConfig(1000, 5, 30, 7, 11);
        for (int i = 0; i < 5; i++) {
            assertEquals(201, respond(SEND, call("acme", limits), 201).status());
        }
        var refused = respond(SEND, call("acme", limits), 201);
        assertEquals(429, refused.status());
        assertEquals("1", refused.headers().get("Retry-After"));
        assertEquals("0", refused.headers().get("X-RateLimit-Remaining"));
        assertEquals("\"hourly\";r=995;t=18, \"burst\";r=0;t=1", refused.headers().get("RateLimit"));
        assertEquals("API rate limit exceeded: the workspace's general limit \"burst\" (5 requests per 1s) is used "
                + "up; retry after 1 s", Json.parse(new String(refused.body())).path("message").asText());
        assertEquals(1.0, registry.get("herald.ratelimit.refused").tag("class", "general").counter().count());
        assertEquals(5.0, registry.get("herald.ingress.requests").tag("class", "general").tag("status", "201")
                .counter().count());

        nanos += Duration.ofMillis(200).toNanos(); // one token back at 5/s
        assertEquals(201, respond(SEND, call("acme", limits), 201).status());
        assertEquals(429, respond(SEND, call("acme", limits), 201).status());
    }

    @Test
    void workspacesAndClassesHaveSeparateBuckets() throws Exception {
        var limits = new LimitsConfig(1000, 1, 1, 1, 1);
        assertEquals(201, respond(SEND, call("acme", limits), 201).status());
        assertEquals(429, respond(SEND, call("acme", limits), 201).status());
        assertEquals(201, respond(SEND, call("other", limits), 201).status());
        assertEquals(201, respond(TRACK, call("acme", limits), 201).status());
        assertEquals(201, respond(SEND, call("acme", limits, "{\"broadcast\":true}"), 201).status());
        assertEquals(429, respond(SEND, call("acme", limits, "{\"segment_id\":\"s\"}"), 201).status());
    }

    @Test
    void reloadedLimitsApplyToTheNextCallWithoutResettingTheBucket() throws Exception {
        var small = new LimitsConfig(1000, 2, 30, 7, 11);
        respond(SEND, call("acme", small), 201);
        respond(SEND, call("acme", small), 201);
        assertEquals(429, respond(SEND, call("acme", small), 201).status());
        var larger = new LimitsConfig(1000, 10, 30, 7, 11);
        var r = respond(SEND, call("acme", larger), 201);
        assertEquals(429, r.status(), "an exhausted bucket keeps its spent share when the limit grows");
        assertEquals("\"hourly\";q=1000;w=3600, \"burst\";q=10;w=1", r.headers().get("RateLimit-Policy"));
        nanos += Duration.ofMillis(100).toNanos();
        assertEquals(201, respond(SEND, call("acme", larger), 201).status(), "and refills at the new rate");
    }
}
