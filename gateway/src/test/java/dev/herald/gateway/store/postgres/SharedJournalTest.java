package dev.herald.gateway.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.Channel;
import dev.herald.config.Secret;
import dev.herald.config.StoreConfig;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.WebhookSpec;
import dev.herald.gateway.store.ClaimQuery;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.DeliveryUpdate;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.NewDelivery;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.StoreUnavailableException;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.MutableClock;
import dev.herald.testkit.PostgresServerProcess;
import dev.herald.testkit.RedisServerProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL journal: claims are never shared, a dead node's leases lapse and the survivor takes
 * the work over (the dead node's late outcome is dropped), the heartbeat keeps a running send's lease, a dispatch
 * is expanded and a single-node task run by one node at a time, a commit wakes the other node, a server that
 * goes away fails writes cleanly until it is back, and a full disk fails accepts as the store's fault (503) and
 * keeps readiness down until there is room for a batch.
 */
final class SharedJournalTest {
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final String KEY = "webhook:h:80";

    private final MutableClock clock = new MutableClock(T0);
    private PostgresStore a;
    private PostgresStore b;

    @BeforeEach
    void openTwoNodes() {
        String url = PostgresStoreContractTest.database();
        a = PostgresStore.open(PostgresStoreContractTest.config(url, LEASE), clock);
        b = PostgresStore.open(PostgresStoreContractTest.config(url, LEASE), clock);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private static DispatchSpec spec() {
        return DispatchSpec.builder().recipients(List.of(RecipientSpec.of(new Recipient.ExternalId("u1"))))
                .messages(List.of(new WebhookSpec("https://h.test/", "POST", Map.of(), "hi", Optional.empty())))
                .build();
    }

    private void seed(String dispatchId, int deliveries, Instant notBefore) throws Exception {
        a.write(tx -> {
            tx.dispatches().insert(new NewDispatch(dispatchId, "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD,
                    spec(), notBefore, notBefore.plus(Duration.ofDays(1)), Optional.empty(), Optional.empty(),
                    Optional.empty()), T0);
            for (int i = 0; i < deliveries; i++) {
                tx.deliveries().insert(new NewDelivery(UUID.randomUUID(), dispatchId, "acme", Channel.WEBHOOK,
                        "r" + i, "http://h/", KEY, Lane.STANDARD, DeliveryStatus.QUEUED, T0,
                        T0.plus(Duration.ofDays(1)), Optional.empty(), Optional.empty(), Optional.empty()), T0);
            }
            return null;
        }).get();
    }

    private static List<ClaimedDelivery> claim(PostgresStore node, Instant now, int limit) throws Exception {
        return node.write(tx -> tx.claims().claimDue(new ClaimQuery(Lane.STANDARD, "acme", KEY, now, limit),
                row -> true)).get();
    }

    private static boolean sent(PostgresStore node, ClaimedDelivery c, Instant now) throws Exception {
        return node.write(tx -> tx.claims().record(c.token(), new DeliveryUpdate(c.delivery().id(),
                DeliveryStatus.DELIVERED, Optional.empty(), Optional.empty(), Optional.of("pm-1"), Optional.empty()),
                now)).get();
    }

    @Test
    void twoNodesClaimingAtOnceNeverTakeTheSameDelivery() throws Exception {
        seed("d".repeat(32), 400, T0);
        Set<UUID> seen = new HashSet<>();
        int total = 0;
        for (int round = 0; round < 20; round++) {
            CompletableFuture<List<ClaimedDelivery>> fromA = CompletableFuture.supplyAsync(() -> claimQuietly(a));
            CompletableFuture<List<ClaimedDelivery>> fromB = CompletableFuture.supplyAsync(() -> claimQuietly(b));
            for (ClaimedDelivery c : concat(fromA.get(), fromB.get())) {
                assertTrue(seen.add(c.delivery().id()), "claimed twice: " + c.delivery().id());
                total++;
            }
        }
        assertEquals(400, total);
        assertEquals(List.of(), claim(a, T0, 10));
    }

    private static List<ClaimedDelivery> claimQuietly(PostgresStore node) {
        try {
            return claim(node, T0, 20);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> concat(List<T> x, List<T> y) {
        List<T> out = new ArrayList<>(x);
        out.addAll(y);
        return out;
    }

    @Test
    void aDeadNodesLeaseLapsesTheOtherTakesOverAndTheLateOutcomeIsDropped() throws Exception {
        seed("e".repeat(32), 1, T0);
        ClaimedDelivery byA = claim(a, T0, 10).getFirst();
        assertEquals(a.owner(), byA.token().owner());
        assertEquals(List.of(), claim(b, T0.plus(LEASE).minusMillis(1), 10), "leased: not due for anyone else");

        ClaimedDelivery byB = claim(b, T0.plus(LEASE), 10).getFirst(); // a "died": its lease ran out
        assertEquals(byA.delivery().id(), byB.delivery().id());
        assertEquals(1, byB.token().attempt(), "a lapsed attempt was never recorded, so it is the same attempt");
        assertFalse(sent(a, byA, T0.plus(LEASE)), "the dead node's late outcome matches nothing");
        assertEquals(1, a.staleOutcomes());
        assertTrue(sent(b, byB, T0.plus(LEASE)));
        var row = b.read(tx -> tx.deliveries().forDispatch("e".repeat(32))).get().getFirst();
        assertEquals(DeliveryStatus.DELIVERED, row.status());
        assertEquals(1, row.attempts());
    }

    @Test
    void theHeartbeatKeepsARunningSendsLease() throws Exception {
        seed("f".repeat(32), 1, T0);
        ClaimedDelivery byA = claim(a, T0, 10).getFirst();
        clock.set(T0.plus(LEASE.dividedBy(2)));
        assertEquals(1, a.renewLeases().get());
        assertEquals(List.of(), claim(b, T0.plus(LEASE).plusSeconds(1), 10), "renewed: still a's");
        assertTrue(sent(a, byA, T0.plus(LEASE).plusSeconds(1)));
        assertEquals(0, a.renewLeases().get(), "nothing held once recorded");
    }

    @Test
    void aDispatchIsExpandedAndATaskLedByOneNodeAtATime() throws Exception {
        seed("a".repeat(32), 0, T0);
        var inside = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        CompletableFuture<List<DispatchRow>> held = a.write(tx -> {
            List<DispatchRow> due = tx.dispatches().dueForExpansion(T0, 8);
            assertTrue(tx.claims().lead("purge"));
            inside.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return due;
        });
        assertTrue(inside.await(30, TimeUnit.SECONDS));
        assertEquals(List.of(), b.write(tx -> tx.dispatches().dueForExpansion(T0, 8)).get(),
                "a dispatch another node is expanding is passed over, not waited for");
        assertFalse(b.write(tx -> tx.claims().lead("purge")).get());
        assertTrue(b.write(tx -> tx.claims().lead("another task")).get());
        release.countDown();
        assertEquals(1, held.get().size());
        assertTrue(b.write(tx -> tx.claims().lead("purge")).get(), "free again once a's transaction ended");
    }

    @Test
    void anAcceptOnOneNodeWakesTheOther() throws Exception {
        var woken = new CountDownLatch(1);
        b.onRemoteWork(woken::countDown);
        var ownWake = new CountDownLatch(1);
        a.onRemoteWork(ownWake::countDown);
        Eventually.until(Duration.ofSeconds(30), "b is woken by a's accept", () -> {
            a.writeIngress(tx -> null).join(); // repeated until b's listener has connected
            try {
                return woken.await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(1, ownWake.getCount(), "a node is not woken by its own announcement");
    }

    @Test
    void anUnreachableServerIsReportedByUrlWithoutThePassword() throws Exception {
        int port = RedisServerProcess.freePort();
        var config = StoreConfig.postgres(new StoreConfig.PostgresConfig(
                "jdbc:postgresql://127.0.0.1:" + port + "/herald?password=url-secret", Optional.of("herald"),
                Optional.of(Secret.of("config-secret")), 4, LEASE));
        var e = assertThrows(StoreUnavailableException.class, () -> PostgresStore.open(config, clock));
        assertTrue(e.getMessage().contains("jdbc:postgresql://127.0.0.1:" + port + "/herald"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void aServerThatGoesAwayFailsWritesCleanlyAndTheStoreRecoversWhenItIsBack() throws Exception {
        try (var server = PostgresServerProcess.start()) {
            String url = server.createDatabase();
            try (var node = PostgresStore.open(PostgresStoreContractTest.config(url, LEASE), clock)) {
                insertDispatch(node, "1");
                server.stop();
                var failed = assertThrows(ExecutionException.class, () -> insertDispatch(node, "2"));
                assertInstanceOf(StoreUnavailableException.class, failed.getCause());
                assertTrue(node.writeProblem().isPresent(), "readiness says the journal cannot write");
                server.restart();
                Eventually.until(Duration.ofSeconds(30), "writes succeed again", () -> {
                    try {
                        insertDispatch(node, "3");
                        return true;
                    } catch (Exception notYet) {
                        return false;
                    }
                });
                assertEquals(List.of(true, false, true), kept(node), "kept, never half-written, kept after recovery");
                Eventually.until(Duration.ofSeconds(10), "readiness back", () -> node.writeProblem().isEmpty());
            }
        }
    }

    /**
     * A full disk as the server reports it ({@code disk_full}, SQLSTATE 53100), from triggers: new dispatch rows and
     * new tables (the room probe's) are refused, and smaller writes into existing pages still commit.
     */
    @Test
    void aFullDiskFailsAcceptsAs503AndReadinessWaitsForRoomForABatchNotForAWriteThatStillFits() throws Exception {
        String url = PostgresStoreContractTest.database();
        try (var node = PostgresStore.open(PostgresStoreContractTest.config(url, LEASE), clock)) {
            insertDispatch(node, "1");
            assertEquals(Optional.empty(), node.writeProblem());
            String raise = " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
                    + "'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$";
            asSuperuser(url, "CREATE FUNCTION herald_test_full() RETURNS trigger" + raise,
                    "CREATE FUNCTION herald_test_full_ddl() RETURNS event_trigger" + raise,
                    "CREATE TRIGGER full_disk BEFORE INSERT ON dispatch FOR EACH ROW EXECUTE FUNCTION herald_test_full()",
                    "CREATE EVENT TRIGGER full_disk ON ddl_command_end WHEN TAG IN ('CREATE TABLE') "
                            + "EXECUTE FUNCTION herald_test_full_ddl()");

            var refused = assertThrows(ExecutionException.class, () -> insertDispatch(node, "2"));
            assertInstanceOf(StoreUnavailableException.class, refused.getCause(), "a 503 with Retry-After, not a 500");
            assertTrue(node.writeProblem().orElseThrow().contains("No space left on device"),
                    node.writeProblem().toString());
            // An update that fits where the row already is commits, yet the journal still has no room for accepts.
            node.write(tx -> {
                tx.dispatches().advanceCursor("1".repeat(32), 7, T0);
                return null;
            }).get(30, TimeUnit.SECONDS);
            assertTrue(node.writeProblem().isPresent(), "a write that still fits does not call the journal writable");

            asSuperuser(url, "DROP EVENT TRIGGER full_disk", "DROP TRIGGER full_disk ON dispatch");
            Eventually.until(Duration.ofSeconds(10), "an idle writer finds room again",
                    () -> node.writeProblem().isEmpty());
            insertDispatch(node, "3");
            assertEquals(List.of(true, false, true), kept(node));
        }
    }

    private static void insertDispatch(PostgresStore node, String digit) throws Exception {
        node.writeIngress(tx -> {
            tx.dispatches().insert(new NewDispatch(digit.repeat(32), "acme", DispatchKind.MESSAGES_SEND,
                    Lane.STANDARD, spec(), T0, T0.plus(Duration.ofDays(1)), Optional.empty(), Optional.empty(),
                    Optional.empty()), T0);
            return null;
        }).get(30, TimeUnit.SECONDS);
    }

    /** Whether the dispatches {@link #insertDispatch inserted} as "1", "2" and "3" are in the journal. */
    private static List<Boolean> kept(PostgresStore node) throws Exception {
        return node.read(tx -> {
            List<Boolean> kept = new ArrayList<>();
            for (String digit : List.of("1", "2", "3")) {
                kept.add(tx.dispatches().find(digit.repeat(32)).isPresent());
            }
            return kept;
        }).get();
    }

    /** Statements as the cluster's superuser in the database at {@code url} (triggers on Herald's tables). */
    private static void asSuperuser(String url, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
