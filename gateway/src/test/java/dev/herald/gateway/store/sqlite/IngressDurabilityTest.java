package dev.herald.gateway.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.ApiKeyConfig;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.StoreConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.api.Dispatching;
import dev.herald.gateway.api.MessagesSendEndpoint;
import dev.herald.gateway.api.StoredContent;
import dev.herald.gateway.api.StoreFailures;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.gateway.delivery.Expander;
import dev.herald.gateway.delivery.OutcomeListener;
import dev.herald.gateway.http.ApiPipeline;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.IngressGate;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accept path never answers 201 for a request that is not durable, and sheds load with 503 + Retry-After. */
final class IngressDurabilityTest {
    private static final String KEY = "k";
    private static final String BODY = "{\"external_user_ids\":[\"u1\"],\"messages\":{\"webhook\":"
            + "{\"url\":\"http://h.example/\",\"request_method\":\"POST\"}}}";

    @TempDir
    Path dir;

    private ApiPipeline pipeline(Store store) {
        var ws = WorkspaceConfig.of("acme", false, List.of(new ApiKeyConfig("k", ApiKeyAuthenticator.sha256Hex(KEY),
                Set.of("messages.send"))));
        Clock clock = Clock.systemUTC();
        var dispatching = new Dispatching(store, new Expander(clock, OutcomeListener.NONE), () -> { }, () -> { });
        var endpoint = new MessagesSendEndpoint(dispatching, new StoredContent(store), DeliveryConfig.defaults(), clock);
        var authenticator = new ApiKeyAuthenticator(List.of(ws));
        return new ApiPipeline(List.of(endpoint.endpoint()), () -> authenticator, IngressGate.open(),
                new Idempotency(store, clock), new StoreFailures(), clock);
    }

    private static ApiResponse send(ApiPipeline p) throws Exception {
        var headers = new DefaultHttpHeaders().set("Authorization", "Bearer " + KEY);
        var request = new ApiRequest("POST", "/messages/send", Map.of(), headers, BODY.getBytes(StandardCharsets.UTF_8),
                null);
        return p.process(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private StoreConfig config(int capacity) {
        return new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("h.db"), capacity, Duration.ofDays(1));
    }

    @Test
    void aFailedFsyncAnswers503AndKeepsNothing() throws Exception {
        SqliteStore.Committer failingFsync = c -> {
            c.rollback();
            throw new SQLException("[SQLITE_IOERR_FSYNC] disk I/O error");
        };
        try (var store = SqliteStore.open(config(100), failingFsync)) {
            ApiResponse r = send(pipeline(store));
            assertEquals(503, r.status());
            assertEquals("1", r.headers().get("Retry-After"));
            assertTrue(Json.parse(new String(r.body(), StandardCharsets.UTF_8)).path("message").asText()
                    .startsWith("The request could not be stored durably"));
            assertEquals(0, SqliteStoreTest.count(store, "dispatch"));
        }
    }

    @Test
    void aFullWriterQueueAnswers503WithRetryAfter() throws Exception {
        try (var store = SqliteStore.open(config(16))) {
            var started = new CountDownLatch(1);
            var blocker = new CountDownLatch(1);
            var held = SqliteStoreTest.holdWriter(store, started, blocker);
            started.await(); // the writer holds the blocking work: the queue now holds only ingress writes
            for (int i = 0; i < 16; i++) {
                store.writeIngress(tx -> null);
            }
            ApiResponse r = send(pipeline(store));
            assertEquals(503, r.status());
            assertEquals("1", r.headers().get("Retry-After"));
            blocker.countDown();
            held.get(10, TimeUnit.SECONDS);
            assertEquals(201, send(pipeline(store)).status(), "accepted again once the queue drains");
        }
    }
}
