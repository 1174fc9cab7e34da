package dev.herald.gateway.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.StoreConfig;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.store.JdbcTx;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreLockedException;
import dev.herald.gateway.store.StoreOverloadedException;
import dev.herald.gateway.store.StoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the embedded engine does: a lock file, one writer thread, group commit, a bounded ingress queue. */
final class SqliteStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private StoreConfig config(int capacity) {
        return new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("sub/dir/herald.db"), capacity, Duration.ofDays(7));
    }

    private static NewDispatch dispatch(String id) {
        return new NewDispatch(id, "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD, DispatchSpec.builder().build(),
                NOW, NOW.plus(Duration.ofHours(24)), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Rows of a table, counted on a read connection of the engine. */
    static long count(Store store, String table) throws Exception {
        return store.read(tx -> {
            try (var rs = ((JdbcTx) tx).sql().connection().createStatement()
                    .executeQuery("SELECT COUNT(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }).get();
    }

    /** Holds the writer thread until {@code release} opens; completes {@code started} once it holds it. */
    static CompletableFuture<Object> holdWriter(Store store, CountDownLatch started, CountDownLatch release) {
        return store.write(tx -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", e);
            }
            return null;
        });
    }

    @Test
    void createsItsDirectory() throws Exception {
        try (var store = SqliteStore.open(config(100))) {
            assertTrue(Files.exists(dir.resolve("sub/dir/herald.db")));
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
            var started = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var held = holdWriter(store, started, release);
            started.await(); // the writer holds the blocking work: the queue now holds only ingress writes
            List<CompletableFuture<Object>> queued = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                queued.add(store.writeIngress(tx -> null));
            }
            var refused = store.writeIngress(tx -> null);
            assertTrue(refused.isCompletedExceptionally());
            var e = assertThrows(ExecutionException.class, refused::get);
            assertInstanceOf(StoreOverloadedException.class, e.getCause());
            var internal = store.write(tx -> "internal writes are never refused");
            release.countDown();
            held.get(10, TimeUnit.SECONDS);
            for (var q : queued) {
                q.get(10, TimeUnit.SECONDS);
            }
            assertEquals("internal writes are never refused", internal.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void backgroundReadsSeeCommittedWritesAndNeverQueueBehindTheRequestReaders() throws Exception {
        try (var store = SqliteStore.open(config(100))) {
            store.write(tx -> {
                tx.dispatches().insert(dispatch("d".repeat(32)), NOW);
                return null;
            }).get(10, TimeUnit.SECONDS);
            // Both request readers held: a background read still runs, on a connection and thread of its own.
            var release = new CountDownLatch(1);
            var held = new CountDownLatch(2);
            List<CompletableFuture<Void>> readers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                readers.add(store.read(tx -> {
                    held.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
            }
            assertTrue(held.await(10, TimeUnit.SECONDS));
            try {
                var seen = store.readInBackground(tx -> Thread.currentThread().getName() + " "
                        + tx.dispatches().find("d".repeat(32)).isPresent()).get(10, TimeUnit.SECONDS);
                assertEquals("herald-store-background-reader true", seen);
            } finally {
                release.countDown();
            }
            for (var r : readers) {
                r.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aSecondOpenOfTheSameFileIsRefusedWithAClearMessage() {
        try (var store = SqliteStore.open(config(100))) {
            var e = assertThrows(StoreLockedException.class, () -> SqliteStore.open(config(100)));
            assertTrue(e.getMessage().contains("is in use by another Herald process"), e.getMessage());
        }
    }
}
