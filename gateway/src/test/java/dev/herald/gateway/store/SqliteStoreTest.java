package dev.herald.gateway.store;

import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.DeliveryStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.Channel;
import dev.herald.config.StoreConfig;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SqliteStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private StoreConfig config(int capacity) {
        return new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("sub/dir/herald.db"), capacity, Duration.ofDays(7));
    }

    private static NewDispatch dispatch(String id) {
        return new NewDispatch(id, "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD, DispatchSpec.builder().build(), NOW, NOW.plus(Duration.ofHours(24)),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static NewDelivery delivery(String dispatchId, String recipient, Lane lane, Instant due) {
        return new NewDelivery(UUID.randomUUID(), dispatchId, "acme", Channel.WEBHOOK, recipient, "http://h/",
                "webhook:h:80", lane, DeliveryStatus.QUEUED, due, NOW.plus(Duration.ofHours(1)), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private static void await(CountDownLatch latch) throws SQLException {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
    }

    private static long count(Store store, String table) throws Exception {
        return store.read(tx -> {
            try (var rs = tx.connection().createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }).get();
    }

    @Test
    void createsItsDirectoryAndGroupCommitsConcurrentWrites() throws Exception {
        try (var store = SqliteStore.open(config(10_000))) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String id = String.format("%032x", i);
                writes.add(store.writeIngress(tx -> {
                    tx.dispatches().insert(dispatch(id), NOW);
                    return null;
                }));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertEquals(2_000, count(store, "dispatch"));
        }
    }

    @Test
    void aFailingWriteFailsOnlyItself() throws Exception {
        try (var store = SqliteStore.open(config(100))) {
            var blocker = new CountDownLatch(1);
            var held = store.write(tx -> {
                await(blocker);
                return null;
            });
            var good = store.writeIngress(tx -> {
                tx.dispatches().insert(dispatch("a".repeat(32)), NOW);
                return "ok";
            });
            var bad = store.writeIngress(tx -> {
                tx.dispatches().insert(dispatch("b".repeat(32)), NOW);
                throw new SQLException("boom");
            });
            blocker.countDown();
            held.get(10, TimeUnit.SECONDS);
            assertEquals("ok", good.get(10, TimeUnit.SECONDS));
            var e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());
            assertEquals(1, count(store, "dispatch"), "the failed write's insert was rolled back to its savepoint");
        }
    }

    @Test
    void aFailedCommitFailsTheWholeBatchAndKeepsNothing() throws Exception {
        var failing = new AtomicBoolean(true);
        SqliteStore.Committer committer = c -> {
            if (failing.get()) {
                c.rollback();
                throw new SQLException("disk I/O error (fsync failed)");
            }
            c.commit();
        };
        try (var store = SqliteStore.open(config(100), committer)) {
            var write = store.writeIngress(tx -> {
                tx.dispatches().insert(dispatch("c".repeat(32)), NOW);
                return null;
            });
            var e = assertThrows(ExecutionException.class, () -> write.get(10, TimeUnit.SECONDS));
            var unavailable = assertInstanceOf(StoreUnavailableException.class, e.getCause());
            assertTrue(unavailable.getMessage().contains("fsync failed"), unavailable.getMessage());
            failing.set(false);
            assertEquals(0, count(store, "dispatch"));
        }
    }

    @Test
    void aFullIngressQueueIsRefusedAtOnce() throws Exception {
        try (var store = SqliteStore.open(config(16))) {
            var blocker = new CountDownLatch(1);
            var held = store.write(tx -> {
                await(blocker);
                return null;
            });
            Thread.sleep(50); // let the writer take the blocking work so the queue holds only ingress writes
            List<CompletableFuture<Object>> queued = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                queued.add(store.writeIngress(tx -> null));
            }
            var refused = store.writeIngress(tx -> null);
            assertTrue(refused.isCompletedExceptionally());
            var e = assertThrows(ExecutionException.class, refused::get);
            assertInstanceOf(StoreOverloadedException.class, e.getCause());
            var internal = store.write(tx -> "internal writes are never refused");
            blocker.countDown();
            held.get(10, TimeUnit.SECONDS);
            for (var q : queued) {
                q.get(10, TimeUnit.SECONDS);
            }
            assertEquals("internal writes are never refused", internal.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aSecondOpenOfTheSameFileIsRefusedWithAClearMessage() {
        try (var store = SqliteStore.open(config(100))) {
            var e = assertThrows(StoreLockedException.class, () -> SqliteStore.open(config(100)));
            assertTrue(e.getMessage().contains("is in use by another Herald process"), e.getMessage());
        }
    }

    @Test
    void claimsByLaneCountsAttemptsAndExpiresWhatIsTooOld() throws Exception {
        try (var store = SqliteStore.open(config(100))) {
            String id = "d".repeat(32);
            var old = new NewDelivery(UUID.randomUUID(), id, "acme", Channel.WEBHOOK, "old", "http://h/", "webhook:h:80",
                    Lane.STANDARD, DeliveryStatus.QUEUED, NOW, NOW.minusSeconds(1), Optional.of("HTTP 503"), Optional.empty(),
                    Optional.empty());
            store.write(tx -> {
                tx.dispatches().insert(dispatch(id), NOW);
                tx.deliveries().insert(delivery(id, "now", Lane.STANDARD, NOW), NOW);
                tx.deliveries().insert(delivery(id, "later", Lane.STANDARD, NOW.plusSeconds(60)), NOW);
                tx.deliveries().insert(delivery(id, "bulk", Lane.BULK, NOW), NOW);
                tx.deliveries().insert(old, NOW);
                assertFalse(tx.deliveries().insert(delivery(id, "now", Lane.STANDARD, NOW), NOW),
                        "expansion is idempotent");
                return null;
            }).get();
            var claimed = store.write(tx -> tx.deliveries().claimDue(Lane.STANDARD, NOW, 10)).get();
            assertEquals(List.of("now"), claimed.stream().map(c -> c.delivery().recipient()).toList());
            assertEquals(1, claimed.get(0).delivery().attempts());
            var rows = store.read(tx -> tx.deliveries().forDispatch(id)).get();
            var byRecipient = rows.stream().collect(java.util.stream.Collectors.toMap(DeliveryRow::recipient, r -> r));
            assertEquals(DeliveryStatus.QUEUED, byRecipient.get("now").status(), "a claim is not written to the journal");
            assertEquals(DeliveryStatus.QUEUED, byRecipient.get("later").status());
            assertEquals(DeliveryStatus.EXPIRED, byRecipient.get("old").status());
            assertTrue(byRecipient.get("old").lastError().orElseThrow().contains("last error: HTTP 503"));

            assertEquals(List.of(), store.write(tx -> tx.deliveries().claimDue(Lane.STANDARD, NOW, 10)).get(),
                    "a claimed delivery is not claimed twice");
        }
    }

    @Test
    void anOutcomeIsRecordedOnlyWhileSending() throws Exception {
        try (var store = SqliteStore.open(config(100))) {
            String id = "e".repeat(32);
            NewDelivery d = delivery(id, "r", Lane.STANDARD, NOW);
            store.write(tx -> {
                tx.dispatches().insert(dispatch(id), NOW);
                tx.deliveries().insert(d, NOW);
                return tx.deliveries().claimDue(Lane.STANDARD, NOW, 1);
            }).get();
            var delivered = new DeliveryUpdate(d.id(), DeliveryStatus.DELIVERED, Optional.empty(), Optional.empty(),
                    Optional.of("p-1"), Optional.empty());
            assertTrue(store.write(tx -> tx.deliveries().recordAttempt(delivered, NOW)).get());
            var late = new DeliveryUpdate(d.id(), DeliveryStatus.FAILED, Optional.empty(), Optional.of("late"),
                    Optional.empty(), Optional.empty());
            assertFalse(store.write(tx -> tx.deliveries().recordAttempt(late, NOW)).get(),
                    "a late result never moves a delivery back");
            var row = store.read(tx -> tx.deliveries().forDispatch(id)).get().get(0);
            assertEquals(DeliveryStatus.DELIVERED, row.status());
            assertEquals(Optional.of("p-1"), row.providerMessageId());
        }
    }

    @Test
    void purgesFinishedRowsByAge() throws Exception {
        try (var store = SqliteStore.open(config(100))) {
            String id = "f".repeat(32);
            NewDelivery d = delivery(id, "r", Lane.STANDARD, NOW);
            store.write(tx -> {
                tx.dispatches().insert(dispatch(id), NOW);
                tx.deliveries().insert(d, NOW);
                tx.dispatches().markExpanded(id, NOW);
                tx.deliveries().claimDue(Lane.STANDARD, NOW, 1);
                return tx.deliveries().recordAttempt(new DeliveryUpdate(d.id(), DeliveryStatus.DELIVERED,
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), NOW);
            }).get();
            Instant later = NOW.plus(Duration.ofDays(8));
            assertEquals(0, store.write(tx -> tx.dispatches().purge(later, 1000)).get(), "still has deliveries");
            assertEquals(1, store.write(tx -> tx.deliveries().purgeFinished(later, 1000)).get());
            assertEquals(1, store.write(tx -> tx.dispatches().purge(later, 1000)).get());
        }
    }

    @Test
    void writesAfterCloseFailCleanly() throws Exception {
        var store = SqliteStore.open(config(100));
        store.close();
        var e = assertThrows(ExecutionException.class, () -> store.writeIngress(tx -> null).get());
        assertInstanceOf(StoreUnavailableException.class, e.getCause());
        store.close();
    }
}
