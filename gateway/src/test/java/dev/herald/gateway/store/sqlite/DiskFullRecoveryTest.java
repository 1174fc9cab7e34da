package dev.herald.gateway.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.StoreConfig;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.store.JdbcTx;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreUnavailableException;
import dev.herald.testkit.Eventually;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal whose disk fills up ({@code SQLITE_FULL}, made real by capping the file's pages with
 * {@code max_page_count}, which SQLite enforces exactly as a full disk) fails its writes, says why, and writes again
 * by itself once there is room: no restart, no corruption.
 */
final class DiskFullRecoveryTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    /** The pages the file may grow to; every new write connection reads it (the "disk size"). */
    private final AtomicLong maxPages = new AtomicLong(1_000_000);

    private SqliteStore open() {
        var config = new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("herald.db"), 1000, Duration.ofDays(7));
        return SqliteStore.open(config, Connection::commit, c -> capPages(c, maxPages.get()));
    }

    private static void capPages(Connection c, long pages) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA max_page_count = " + pages);
        }
    }

    private static NewDispatch dispatch(String id, int bytes) {
        var spec = DispatchSpec.builder().campaignId(Optional.of("x".repeat(bytes))).build();
        return new NewDispatch(id, "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD, spec, NOW,
                NOW.plus(Duration.ofHours(24)), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static CompletableFuture<Object> insert(Store store, String id) {
        return store.writeIngress(tx -> tx.dispatches().insert(dispatch(id, 20_000), NOW));
    }

    @Test
    void aFullDiskFailsWritesReportsWhyAndRecoversWithoutARestartOnceThereIsRoom() throws Exception {
        try (var store = open()) {
            insert(store, "before").get();
            long pages = store.write(tx -> pageCount(((JdbcTx) tx).sql().connection())).get();
            maxPages.set(pages + 4); // the disk is nearly full: a few pages left
            store.write(tx -> {
                capPages(((JdbcTx) tx).sql().connection(), maxPages.get());
                return null;
            }).get();

            List<CompletableFuture<Object>> filling = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                filling.add(insert(store, "fill-" + i));
            }
            int refused = 0;
            for (var f : filling) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    assertInstanceOf(StoreUnavailableException.class, e.getCause(), e.getCause().toString());
                    refused++;
                }
            }
            assertTrue(refused > 0, "a full disk refuses writes");
            assertTrue(store.writeProblem().isPresent(), "the store says it cannot write");
            assertTrue(store.writeProblem().get().contains("full"), store.writeProblem().get());

            maxPages.set(1_000_000); // space is freed
            Eventually.until(Duration.ofSeconds(10), "the store writable again by itself",
                    () -> store.writeProblem().isEmpty());
            insert(store, "after").get(); // durable again, on the same store object: no restart
            assertEquals(Optional.of(true), store.read(tx -> tx.dispatches().find("after").map(d -> true)).get());
            assertEquals(Optional.of(true), store.read(tx -> tx.dispatches().find("before").map(d -> true)).get());
            assertEquals("ok", store.read(tx -> integrityCheck(((JdbcTx) tx).sql().connection())).get());
        }
    }

    @Test
    void aSmallWriteThatStillFitsDoesNotCallAFullJournalWritable() throws Exception {
        try (var store = open()) {
            fillTheDisk(store);
            var refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> insert(store, "too-big").get());
            assertInstanceOf(StoreUnavailableException.class, refused.getCause());
            assertTrue(store.writeProblem().isPresent());

            // An outcome-sized write rewrites a page the file already has: it commits, but an accept would not fit.
            store.write(tx -> {
                rewriteUserVersion(((JdbcTx) tx).sql().connection());
                return null;
            }).get();
            assertTrue(store.writeProblem().isPresent(), "readiness stays 503 while an accept cannot be written");

            maxPages.set(1_000_000);
            Eventually.until(Duration.ofSeconds(10), "the store writable again by itself",
                    () -> store.writeProblem().isEmpty());
            insert(store, "after").get();
        }
    }

    /** Writes a dispatch, then caps the file at the pages it has: no room for another. */
    private void fillTheDisk(SqliteStore store) throws Exception {
        insert(store, "before").get();
        long pages = store.write(tx -> pageCount(((JdbcTx) tx).sql().connection())).get();
        maxPages.set(pages);
        store.write(tx -> {
            capPages(((JdbcTx) tx).sql().connection(), pages);
            return null;
        }).get();
    }

    private static void rewriteUserVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            int version;
            try (var rs = s.executeQuery("PRAGMA user_version")) {
                rs.next();
                version = rs.getInt(1);
            }
            s.execute("PRAGMA user_version = " + version);
        }
    }

    @Test
    void writesThatArriveWhileTheDiskIsFullDoNotWedgeTheWriter() throws Exception {
        try (var store = open()) {
            fillTheDisk(store);
            for (int i = 0; i < 5; i++) { // each fails on its own, one after another
                var e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> insert(store, "full-" + System.nanoTime()).get());
                assertInstanceOf(StoreUnavailableException.class, e.getCause());
            }
            maxPages.set(1_000_000);
            Eventually.until(Duration.ofSeconds(10), "a write accepted after space came back", () -> {
                try {
                    insert(store, "retry-" + System.nanoTime()).get();
                    return true;
                } catch (ExecutionException | InterruptedException e) {
                    return false;
                }
            });
            assertEquals("ok", store.read(tx -> integrityCheck(((JdbcTx) tx).sql().connection())).get());
        }
    }

    private static long pageCount(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA page_count")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String integrityCheck(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
