package dev.herald.gateway.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.config.StoreConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.sqlite.SqliteStore;
import dev.herald.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one journal: the node that leases a workspace's stream keeps it while its batches succeed, the other
 * publishes nothing meanwhile, and a stop hands the stream over at once (no event twice, none lost).
 */
class CurrentsLeaseTest {
    private static final String WS = "ev";

    @TempDir
    Path dir;

    /** Takes every batch with a 2xx and remembers how many events each carried. */
    private static final class TakingConnector implements Sender<WebhookMessage> {
        final List<Integer> batches = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<SendOutcome> send(WebhookMessage message) {
            batches.add(message.body().split("\"event_type\"", -1).length - 1);
            return CompletableFuture.completedFuture(new SendOutcome.Accepted(Optional.empty(), true));
        }

        int events() {
            return batches.stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void oneNodeAtATimePublishesAStreamAndAStopHandsItOver() throws Exception {
        var clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
        List<WorkspaceConfig> workspaces = ConfigLoader.parse("""
                workspaces:
                  - id: ev
                    api_keys: [ { name: ev, sha256: "%s", permissions: [messages.send] } ]
                    events: { currents: { url: "http://127.0.0.1:9/c", token: t, batch_size: 100, flush_interval: 1s } }
                """.formatted("0".repeat(64)), SecretResolver.withEnvironment(Map.of())).workspaces();
        try (Store store = SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("h.db"), 1000,
                Duration.ofDays(1)))) {
            var a = new TakingConnector();
            var b = new TakingConnector();
            var nodeA = node(store, workspaces, a, clock);
            var nodeB = node(store, workspaces, b, clock);
            add(store, clock, 150);
            nodeA.publishDue();
            await(() -> a.events() == 100 && pending(store) == 50);
            clock.advance(Duration.ofSeconds(2));
            nodeB.publishDue();
            nodeA.publishDue();
            await(() -> a.events() == 150 && pending(store) == 0);
            assertEquals(0, b.events(), "the node without the lease published");
            add(store, clock, 10);
            clock.advance(Duration.ofSeconds(2));
            nodeA.close();
            nodeB.publishDue();
            await(() -> b.events() == 10 && pending(store) == 0);
            assertEquals(150, a.events(), "every event went out once");
            nodeB.close();
        }
    }

    private static CurrentsStream node(Store store, List<WorkspaceConfig> workspaces, Sender<WebhookMessage> http,
                                       MutableClock clock) {
        return new CurrentsStream(store, id -> workspaces.stream().filter(w -> w.id().equals(id)).findFirst(),
                () -> workspaces, http, clock, Duration.ofHours(1), new SimpleMeterRegistry());
    }

    private static void add(Store store, MutableClock clock, int n) throws Exception {
        store.<Void>write(tx -> {
            for (int i = 0; i < n; i++) {
                tx.streamEvents().add(WS, "{\"event_type\":\"users.messages.webhook.Send\",\"id\":\""
                        + UUID.randomUUID() + "\",\"properties\":{\"dispatch_id\":\"d-" + i + "\"}}",
                        clock.instant(), clock.instant().plus(Duration.ofDays(1)));
            }
            return null;
        }).get(10, TimeUnit.SECONDS);
    }

    private static long pending(Store store) {
        try {
            return store.read(tx -> tx.streamEvents().oldestPending(WS, 1000).size()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The batch's outcome is recorded asynchronously; the deadline only bounds the test. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
    }
}
