package dev.herald.gateway.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiPipeline;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.IngressGate;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.sqlite.SqliteStore;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes sharing a store each hold only their own in-memory reservation: when another process stores
 * the same key between this one's lookup and its commit, the unique row decides. The work rolls back and the
 * stored answer is given: a replay for the same request, 422 for another.
 */
final class IdempotencyRaceTest {
    private static final String KEY = "k";
    private static final String BODY = "{\"external_user_ids\":[\"u1\"],\"messages\":{\"webhook\":"
            + "{\"url\":\"http://h.example/\",\"request_method\":\"POST\"}}}";

    @TempDir
    Path dir;

    /** A store where "another process" commits {@code fingerprint}'s answer just before each ingress write. */
    private record RacingStore(Store delegate, String fingerprint) implements Store {
        @Override
        public <T> CompletableFuture<T> writeIngress(Work<T> work) {
            return delegate.write(this::otherProcess).thenCompose(ignored -> delegate.writeIngress(work));
        }

        private Void otherProcess(StoreTx tx) throws java.sql.SQLException {
            tx.keys().putIdempotent("acme", "race-1", fingerprint, 201, "{\"dispatch_id\":\"theirs\",\"message\":"
                    + "\"success\"}", Optional.empty(), Instant.now(), Instant.now().minus(Duration.ofDays(1)));
            return null;
        }

        @Override
        public <T> CompletableFuture<T> write(Work<T> work) {
            return delegate.write(work);
        }

        @Override
        public <T> CompletableFuture<T> read(Work<T> work) {
            return delegate.read(work);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A store whose ingress writes wait until the test opens the gate: a request held in flight. */
    private record HeldStore(Store delegate, CompletableFuture<Void> gate) implements Store {
        @Override
        public <T> CompletableFuture<T> writeIngress(Work<T> work) {
            return gate.thenCompose(open -> delegate.writeIngress(work));
        }

        @Override
        public <T> CompletableFuture<T> write(Work<T> work) {
            return delegate.write(work);
        }

        @Override
        public <T> CompletableFuture<T> read(Work<T> work) {
            return delegate.read(work);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static ApiPipeline pipeline(Store store) {
        var ws = WorkspaceConfig.of("acme", false, List.of(new ApiKeyConfig("k", ApiKeyAuthenticator.sha256Hex(KEY),
                Set.of("messages.send"))));
        Clock clock = Clock.systemUTC();
        var dispatching = new Dispatching(store, new Expander(clock, OutcomeListener.NONE), () -> { }, () -> { });
        var authenticator = new ApiKeyAuthenticator(List.of(ws));
        var send = new MessagesSendEndpoint(dispatching, new StoredContent(store), DeliveryConfig.defaults(), clock);
        return new ApiPipeline(List.of(send.endpoint()),
                () -> authenticator, IngressGate.open(), new Idempotency(store, clock), new StoreFailures(), clock);
    }

    private static ApiResponse send(ApiPipeline p) throws Exception {
        return sendAsync(p).get(30, TimeUnit.SECONDS);
    }

    private static CompletableFuture<ApiResponse> sendAsync(ApiPipeline p) {
        var headers = new DefaultHttpHeaders().set("Authorization", "Bearer " + KEY).set("Idempotency-Key", "race-1");
        var request = new ApiRequest("POST", "/messages/send", Map.of(), headers, BODY.getBytes(StandardCharsets.UTF_8),
                null);
        return p.process(request).toCompletableFuture();
    }

    private static String fingerprintOfBody() throws Exception {
        var headers = new DefaultHttpHeaders();
        var request = new ApiRequest("POST", "/messages/send", Map.of(), headers, BODY.getBytes(StandardCharsets.UTF_8),
                null);
        var principal = new ApiKeyAuthenticator(List.of(WorkspaceConfig.of("acme", false, List.of(new ApiKeyConfig("k",
                ApiKeyAuthenticator.sha256Hex(KEY), Set.of("messages.send")))))).authenticate(KEY).orElseThrow();
        var body = (com.fasterxml.jackson.databind.node.ObjectNode) dev.herald.gateway.json.Json.parse(BODY);
        return Idempotency.fingerprint(new ApiCall(request, principal, body, Map.of(), Instant.now(), Optional.empty()));
    }

    private StoreConfig config() {
        return new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("h.db"), 100, Duration.ofDays(1));
    }

    private long dispatches(Store store) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("h.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM dispatch")) {
            return rs.next() ? rs.getLong(1) : -1L;
        }
    }

    @Test
    void theSameRequestStoredElsewhereFirstIsReplayedAndOurWorkRollsBack() throws Exception {
        try (var store = new RacingStore(SqliteStore.open(config()), fingerprintOfBody())) {
            ApiResponse r = send(pipeline(store));
            assertEquals(201, r.status());
            assertEquals("true", r.headers().get("Idempotent-Replayed"));
            assertEquals("{\"dispatch_id\":\"theirs\",\"message\":\"success\"}",
                    new String(r.body(), StandardCharsets.UTF_8));
            assertEquals(0, dispatches(store));
        }
    }

    @Test
    void aDuplicateWhileTheFirstIsInFlightIs409AndTheFirstStillCompletes() throws Exception {
        var gate = new CompletableFuture<Void>();
        try (var store = new HeldStore(SqliteStore.open(config()), gate)) {
            var pipeline = pipeline(store);
            CompletableFuture<ApiResponse> first = sendAsync(pipeline);
            ApiResponse duplicate = send(pipeline);
            assertEquals(409, duplicate.status());
            assertEquals("1", duplicate.headers().get("Retry-After"));
            gate.complete(null);
            assertEquals(201, first.get(30, TimeUnit.SECONDS).status());
            ApiResponse replay = send(pipeline);
            assertEquals(201, replay.status());
            assertEquals("true", replay.headers().get("Idempotent-Replayed"));
            assertEquals(1, dispatches(store));
        }
    }

    @Test
    void anotherRequestStoredElsewhereFirstIs422() throws Exception {
        try (var store = new RacingStore(SqliteStore.open(config()), "another-fingerprint")) {
            ApiResponse r = send(pipeline(store));
            assertEquals(422, r.status());
            assertEquals(0, dispatches(store));
        }
    }
}
