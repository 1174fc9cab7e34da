package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.MutableClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Idempotency-Key} with Stripe's semantics, on a fake clock for the 24-hour window. */
final class IdempotencyTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        gw = GatewayFixture.start(dir, GatewayFixture.config(dir), GatewayFixture.clock(clock));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    // The sink is unreachable on purpose: these tests are about acceptance, not delivery.
    private static final String SEND = GatewayFixture.webhookSend("ana", URI.create("http://127.0.0.1:9/x"), "b");

    private GatewayFixture.Response send(String body, String key) throws Exception {
        return gw.post("/messages/send", KEY, body, "Idempotency-Key", key);
    }

    @Test
    void aReplayReturnsTheSameAnswerAndCreatesNothing() throws Exception {
        var first = send(SEND, "k-1");
        assertEquals(201, first.status(), first.raw());
        assertTrue(first.headers().firstValue("Idempotent-Replayed").isEmpty());
        var replay = send(SEND, "k-1");
        assertEquals(201, replay.status());
        assertEquals(first.raw(), replay.raw());
        assertEquals("true", replay.headers().firstValue("Idempotent-Replayed").orElse(""));
        assertEquals(1, GatewayFixture.count(dir, "SELECT COUNT(*) FROM dispatch"));
        // Key order and whitespace do not make it another request.
        var parsed = dev.herald.gateway.json.Json.parse(SEND);
        var swapped = dev.herald.gateway.json.Json.object();
        swapped.set("messages", parsed.get("messages"));
        swapped.set("external_user_ids", parsed.get("external_user_ids"));
        var reordered = send(swapped.toPrettyString(), "k-1");
        assertEquals(201, reordered.status(), reordered.raw());
        assertEquals(first.raw(), reordered.raw());
    }

    @Test
    void theSameKeyWithAnotherRequestIs422AndAnotherWorkspaceHasItsOwnKeys() throws Exception {
        send(SEND, "k-2");
        var other = send(SEND.replace("ana", "bo"), "k-2");
        assertEquals(422, other.status(), other.raw());
        assertTrue(other.message().contains("different request"), other.raw());
        var otherWorkspace = gw.post("/messages/send", GatewayFixture.OTHER_KEY, SEND.replace("ana", "bo"),
                "Idempotency-Key", "k-2");
        assertEquals(201, otherWorkspace.status(), otherWorkspace.raw());
        assertTrue(otherWorkspace.headers().firstValue("Idempotent-Replayed").isEmpty());
    }

    @Test
    void keysExpireAfterTwentyFourHours() throws Exception {
        var first = send(SEND, "k-3");
        clock.advance(Duration.ofHours(23));
        assertEquals(first.raw(), send(SEND, "k-3").raw());
        clock.advance(Duration.ofHours(2));
        var fresh = send(SEND, "k-3");
        assertEquals(201, fresh.status(), fresh.raw());
        assertNotEquals(first.json().path("dispatch_id").asText(), fresh.json().path("dispatch_id").asText());
        assertTrue(fresh.headers().firstValue("Idempotent-Replayed").isEmpty());
    }

    @Test
    void rejectedRequestsAreNotRememberedAndKeysAreBounded() throws Exception {
        var bad = send("{\"external_user_ids\":[\"ana\"]}", "k-4");
        assertEquals(400, bad.status(), bad.raw());
        var good = send(SEND, "k-4");
        assertEquals(201, good.status(), good.raw());
        var tooLong = send(SEND, "k".repeat(256));
        assertEquals(400, tooLong.status(), tooLong.raw());
        assertTrue(tooLong.message().contains("Idempotency-Key"), tooLong.raw());
    }

    @Test
    void concurrentDuplicatesCreateOneDispatch() throws Exception {
        int n = 8;
        try (var pool = Executors.newFixedThreadPool(n)) {
            List<Future<GatewayFixture.Response>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<GatewayFixture.Response> call = () -> send(SEND, "k-5");
                answers.add(pool.submit(call));
            }
            String dispatch = null;
            for (Future<GatewayFixture.Response> f : answers) {
                var r = f.get();
                assertTrue(r.status() == 201 || r.status() == 409, r.raw());
                if (r.status() == 409) {
                    assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
                } else if (dispatch == null) {
                    dispatch = r.json().path("dispatch_id").asText();
                } else {
                    assertEquals(dispatch, r.json().path("dispatch_id").asText());
                }
            }
        }
        assertEquals(1, GatewayFixture.count(dir, "SELECT COUNT(*) FROM dispatch"));
    }

    @Test
    void transactionalAndUserCallsAreIdempotentToo() throws Exception {
        String track = "{\"events\":[{\"external_id\":\"ana\",\"name\":\"login\",\"time\":\"2026-11-23T09:00:00Z\"}]}";
        var a = gw.post("/users/track", KEY, track, "Idempotency-Key", "t-1");
        var b = gw.post("/users/track", KEY, track, "Idempotency-Key", "t-1");
        assertEquals(201, a.status(), a.raw());
        assertEquals("true", b.headers().firstValue("Idempotent-Replayed").orElse(""), b.raw());
        assertEquals(1, GatewayFixture.count(dir, "SELECT COUNT(*) FROM user_event"));
    }
}
