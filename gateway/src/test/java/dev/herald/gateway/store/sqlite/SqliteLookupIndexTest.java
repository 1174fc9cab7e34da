package dev.herald.gateway.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.Channel;
import dev.herald.config.StoreConfig;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.store.Deliveries.LookupColumn;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.NewDelivery;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's side lookup index ({@link SqliteLookupIndex}) across the lives of its file: rebuilt when deleted, started
 * again when the journal is not the one it indexed or reuses the row number it had reached, and never holding an
 * address in the clear.
 */
final class SqliteLookupIndexTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    /** Waits (bounded) until the side index has reached the journal's newest delivery. */
    static void caughtUp(SqliteStore store) throws Exception {
        long newest = store.read(tx -> {
            try (var rs = ((dev.herald.gateway.store.JdbcTx) tx).sql().connection().createStatement()
                    .executeQuery("SELECT COALESCE(MAX(rowid), 0) FROM delivery")) {
                rs.next();
                return rs.getLong(1);
            }
        }).get();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (store.lookupIndexedThrough() != newest) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the lookup index stayed at row " + store.lookupIndexedThrough()
                        + ", the journal's newest is " + newest);
            }
            Thread.sleep(5);
        }
    }

    private SqliteStore open(Path journal) {
        return SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, journal, 1000, Duration.ofDays(7)));
    }

    private static UUID send(Store store, String dispatchId, String address) throws Exception {
        UUID id = UUID.randomUUID();
        store.write(tx -> {
            tx.dispatches().insert(new NewDispatch(dispatchId, "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD,
                    DispatchSpec.builder().build(), NOW, NOW.plus(Duration.ofHours(1)), Optional.empty(),
                    Optional.empty(), Optional.empty()), NOW);
            tx.deliveries().insert(new NewDelivery(id, dispatchId, "acme", Channel.EMAIL, "external_id:" + address,
                    address, "smtp:x", Lane.STANDARD, DeliveryStatus.DELIVERED, NOW, NOW.plusSeconds(60),
                    Optional.empty(), Optional.empty(), Optional.empty()), NOW);
            return null;
        }).get();
        return id;
    }

    private static List<UUID> byAddress(Store store, String address) throws Exception {
        return store.read(tx -> tx.deliveries().latestFor("acme", LookupColumn.ADDRESS, address, 10)).get().stream()
                .map(DeliveryRow::id).toList();
    }

    private static String hex(int n) {
        return String.format("%032x", n);
    }

    @Test
    void keepsNoAddressInTheClearAndIsRebuiltWhenDeleted() throws Exception {
        Path journal = dir.resolve("herald.db");
        UUID ana;
        try (SqliteStore store = open(journal)) {
            ana = send(store, hex(1), "ana@example.test");
            caughtUp(store);
        }
        Path side = SqliteLookupIndex.pathFor(journal);
        byte[] bytes = Files.readAllBytes(side);
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("ana@example.test"));
        Files.delete(side);
        try (SqliteStore store = open(journal)) {
            assertEquals(List.of(ana), byAddress(store, "ana@example.test"), "read from the journal meanwhile");
            caughtUp(store);
            assertEquals(List.of(ana), byAddress(store, "ana@example.test"));
        }
    }

    @Test
    void startsAgainBesideAJournalItDidNotIndex() throws Exception {
        Path journal = dir.resolve("herald.db");
        try (SqliteStore store = open(journal)) {
            send(store, hex(1), "ana@example.test");
            send(store, hex(2), "bo@example.test");
            caughtUp(store);
        }
        Path side = SqliteLookupIndex.pathFor(journal);
        Path kept = dir.resolve("kept-lookup");
        Files.copy(side, kept);
        for (String suffix : List.of("", "-wal", "-shm", "-lookup", "-lookup-wal", "-lookup-shm")) {
            Files.deleteIfExists(Path.of(journal + suffix));
        }
        Files.copy(kept, side); // an old side file beside a new journal: its entries point at other deliveries
        try (SqliteStore store = open(journal)) {
            UUID cy = send(store, hex(3), "cy@example.test");
            caughtUp(store);
            assertEquals(List.of(cy), byAddress(store, "cy@example.test"));
            assertEquals(List.of(), byAddress(store, "bo@example.test"));
            assertEquals(List.of(), byAddress(store, "ana@example.test"));
        }
    }

    @Test
    void anAddressBeyondAsciiIsFoundThroughItsEntry() throws Exception {
        Path journal = dir.resolve("herald.db");
        try (SqliteStore store = open(journal)) {
            UUID zoe = send(store, hex(1), "zoë@exämple.test");
            caughtUp(store);
            assertEquals(1, entries(journal, LookupColumn.ADDRESS, "zoë@exämple.test"),
                    "the thread's key, from the journal's bytes, is the lookup's key");
            assertEquals(List.of(zoe), byAddress(store, "zoë@exämple.test"));
        }
    }

    /** The side file's entries under a value's key, read directly. */
    private static long entries(Path journal, LookupColumn column, String value) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + SqliteLookupIndex.pathFor(journal));
             var ps = c.prepareStatement("SELECT COUNT(*) FROM lookup_entry WHERE key = ?")) {
            ps.setLong(1, LookupKeys.of(column, "acme", value));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits (bounded) until {@code done} holds; the side index's thread works on its own time. */
    private static void eventually(String what, java.util.concurrent.Callable<Boolean> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aDeletedUsersDeliveriesLeaveNoEntriesBehind() throws Exception {
        Path journal = dir.resolve("herald.db");
        try (SqliteStore store = open(journal)) {
            long ana = store.write(tx -> tx.users().create("acme", Optional.of("ana"), NOW).id()).get();
            store.write(tx -> {
                tx.dispatches().insert(new NewDispatch(hex(1), "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD,
                        DispatchSpec.builder().build(), NOW, NOW.plus(Duration.ofHours(1)), Optional.empty(),
                        Optional.empty(), Optional.empty()), NOW);
                return tx.deliveries().insert(new NewDelivery(UUID.randomUUID(), hex(1), "acme", Channel.EMAIL,
                        "external_id:ana", "ana@example.test", "smtp:x", Lane.STANDARD, DeliveryStatus.QUEUED, NOW,
                        NOW.plusSeconds(60), Optional.empty(), Optional.of(ana), Optional.empty()), NOW);
            }).get();
            UUID bo = send(store, hex(2), "bo@example.test");
            caughtUp(store);
            assertEquals(1, entries(journal, LookupColumn.ADDRESS, "ana@example.test"));
            store.write(tx -> tx.deliveries().forgetUser(ana, NOW)).get();
            eventually("the scrub applied", () -> store.lookupScrubbedThrough() == 1);
            assertEquals(0, entries(journal, LookupColumn.ADDRESS, "ana@example.test"));
            assertEquals(0, entries(journal, LookupColumn.RECIPIENT, "external_id:ana"));
            assertEquals(List.of(bo), byAddress(store, "bo@example.test"), "others' entries stay");
        }
        try (SqliteStore store = open(journal)) { // the applied log is remembered across a restart
            eventually("the applied scrub log read back", () -> store.lookupScrubbedThrough() == 1);
            assertEquals(0, entries(journal, LookupColumn.ADDRESS, "ana@example.test"));
        }
    }

    @Test
    void thePurgedDeliveriesEntriesAreWalkedAwayWhateverTheirRowNumber() throws Exception {
        Path journal = dir.resolve("herald.db");
        try (SqliteStore store = open(journal)) {
            send(store, hex(1), "ana@example.test"); // finished: purged
            UUID queued = UUID.randomUUID(); // still queued, an older row number than the purged one's neighbour
            store.write(tx -> {
                tx.dispatches().insert(new NewDispatch(hex(2), "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD,
                        DispatchSpec.builder().build(), NOW, NOW.plus(Duration.ofHours(1)), Optional.empty(),
                        Optional.empty(), Optional.empty()), NOW);
                return tx.deliveries().insert(new NewDelivery(queued, hex(2), "acme", Channel.EMAIL,
                        "external_id:cy", "cy@example.test", "smtp:x", Lane.STANDARD, DeliveryStatus.QUEUED, NOW,
                        NOW.plusSeconds(60), Optional.empty(), Optional.empty(), Optional.empty()), NOW);
            }).get();
            send(store, hex(3), "bo@example.test"); // finished: purged
            UUID dee = send(store, hex(4), "dee@example.test"); // the newest: kept by the purge's limit below
            caughtUp(store);
            assertEquals(2, store.write(tx -> tx.deliveries().purgeFinished(NOW.plus(Duration.ofDays(30)), 2)).get());
            eventually("the purged deliveries' entries gone", () -> entries(journal, LookupColumn.ADDRESS,
                    "ana@example.test") + entries(journal, LookupColumn.ADDRESS, "bo@example.test") == 0);
            assertEquals(1, entries(journal, LookupColumn.ADDRESS, "cy@example.test"));
            assertEquals(List.of(queued), byAddress(store, "cy@example.test"));
            assertEquals(List.of(dee), byAddress(store, "dee@example.test"));
        }
    }

    @Test
    void aLookupsLimitCountsMatchesNotEntriesOfPurgedDeliveries() throws Exception {
        try (SqliteStore store = open(dir.resolve("herald.db"))) {
            UUID kept = UUID.randomUUID();
            store.write(tx -> {
                tx.dispatches().insert(new NewDispatch(hex(1), "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD,
                        DispatchSpec.builder().build(), NOW, NOW.plus(Duration.ofHours(1)), Optional.empty(),
                        Optional.empty(), Optional.empty()), NOW);
                return tx.deliveries().insert(new NewDelivery(kept, hex(1), "acme", Channel.EMAIL,
                        "external_id:ana", "ana@example.test", "smtp:x", Lane.STANDARD, DeliveryStatus.QUEUED, NOW,
                        NOW.plusSeconds(60), Optional.empty(), Optional.empty(), Optional.empty()), NOW);
            }).get();
            for (int i = 2; i <= 40; i++) {
                send(store, hex(i), "ana@example.test");
            }
            send(store, hex(41), "zed@example.test");
            caughtUp(store);
            store.write(tx -> tx.deliveries().purgeFinished(NOW.plus(Duration.ofDays(30)), 39)).get();
            assertEquals(List.of(kept), store.read(tx -> tx.deliveries().latestFor("acme", LookupColumn.ADDRESS,
                    "ana@example.test", 1)).get().stream().map(DeliveryRow::id).toList(),
                    "39 newer entries of purged deliveries do not hide the live one");
        }
    }

    @Test
    void startsAgainWhenThePurgedNewestDeliveryLetsTheJournalReuseItsRowNumber() throws Exception {
        try (SqliteStore store = open(dir.resolve("herald.db"))) {
            send(store, hex(1), "ana@example.test");
            send(store, hex(2), "bo@example.test");
            caughtUp(store);
            long before = store.lookupIndexedThrough();
            assertEquals(2, store.write(tx -> tx.deliveries().purgeFinished(NOW.plus(Duration.ofDays(30)), 10))
                    .get());
            UUID cy = send(store, hex(3), "cy@example.test");
            UUID dee = send(store, hex(4), "dee@example.test");
            assertTrue(store.lookupIndexedThrough() >= 2 && before == 2, "the row numbers are used again");
            caughtUp(store);
            assertEquals(List.of(cy), byAddress(store, "cy@example.test"));
            assertEquals(List.of(dee), byAddress(store, "dee@example.test"));
            assertEquals(List.of(), byAddress(store, "bo@example.test"));
        }
    }
}
