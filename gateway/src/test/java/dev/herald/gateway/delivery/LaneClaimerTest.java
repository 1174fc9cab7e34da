package dev.herald.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.config.StoreConfig;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.NewDelivery;
import dev.herald.gateway.store.NewDispatch;
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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the scheduler claims from a real journal: lanes, workspaces round-robin, egress keys the governor admits. */
final class LaneClaimerTest {
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    private static final String RELAY = "smtp:relay.test:25";
    private static final String HOOK = "webhook:down.test:80";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EgressGovernor governor = new EgressGovernor(new EgressLimits(Map.of(RELAY, 4), Map.of()),
            new EgressGovernor.Settings(10, 4, 50, Duration.ofSeconds(30), 2), clock, EgressGovernor.nanoTimeOf(clock),
            registry);
    private final LaneClaimer claimer = new LaneClaimer(governor, workspace -> false, registry);
    private SqliteStore store;

    @BeforeEach
    void open() {
        store = SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("h.db"), 100, Duration.ofDays(1)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Queues {@code n} deliveries of one workspace, lane and egress key, due at {@code due}. */
    private void queue(String workspace, Lane lane, String egressKey, int n, Instant due) throws Exception {
        String dispatch = UUID.randomUUID().toString().replace("-", "");
        store.write(tx -> {
            tx.dispatches().insert(new NewDispatch(dispatch, workspace, DispatchKind.MESSAGES_SEND, lane, DispatchSpec.builder().build(), due,
                    due.plus(Duration.ofDays(1)), Optional.empty(), Optional.empty(), Optional.empty()), due);
            for (int i = 0; i < n; i++) {
                tx.deliveries().insert(new NewDelivery(UUID.randomUUID(), dispatch, workspace, Channel.WEBHOOK,
                        "r" + i, "http://x/" + i, egressKey, lane, DeliveryStatus.QUEUED, due,
                        due.plus(Duration.ofDays(1)), Optional.empty(), Optional.empty(), Optional.empty()), due);
            }
            return null;
        }).get();
    }

    private List<Claim> claim(int capacity) throws Exception {
        return store.write(tx -> claimer.claim(tx, clock.instant(), capacity)).get();
    }

    private static Map<String, Long> count(List<Claim> claims, Function<DeliveryRow, String> by) {
        return claims.stream().collect(Collectors.groupingBy(c -> by.apply(c.delivery().delivery()),
                Collectors.counting()));
    }

    /** A count straight from the journal file (a second connection). */
    private long count(String sql) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("h.db"));
             var rs = c.createStatement().executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Test
    void aWorkspacesOlderBacklogDoesNotStarveAnotherWorkspaceInTheSameLane() throws Exception {
        queue("big", Lane.STANDARD, "webhook:a.test:80", 100, START.minusSeconds(60));
        queue("small", Lane.STANDARD, "webhook:b.test:80", 5, START);
        Map<String, Long> byWorkspace = count(claim(10), DeliveryRow::workspace);
        assertEquals(Map.of("big", 5L, "small", 5L), byWorkspace);
    }

    @Test
    void lanesAreServedByWeight() throws Exception {
        queue("acme", Lane.TRANSACTIONAL, "webhook:a.test:80", 20, START);
        queue("acme", Lane.STANDARD, "webhook:b.test:80", 20, START);
        queue("acme", Lane.BULK, "webhook:c.test:80", 20, START);
        Map<String, Long> byLane = count(claim(10), r -> r.lane().dbName());
        assertEquals(Map.of("transactional", 6L, "standard", 3L, "bulk", 1L), byLane);
    }

    @Test
    void aFullRelayIsSkippedWithoutAnAttemptAndTheWorkspacesOtherKeysStillGo() throws Exception {
        queue("acme", Lane.BULK, RELAY, 50, START.minusSeconds(60));
        queue("acme", Lane.BULK, "webhook:a.test:80", 5, START);
        Map<String, Long> byKey = count(claim(40), DeliveryRow::egressKey);
        assertEquals(Map.of(RELAY, 3L, "webhook:a.test:80", 5L), byKey);
        assertEquals(50, count("SELECT count(*) FROM delivery WHERE egress_key = '" + RELAY + "' AND attempts = 0 "
                + "AND next_attempt_at = " + START.minusSeconds(60).toEpochMilli()),
                "claims are in memory; refused rows are not touched at all");
        assertEquals(List.of(), claim(40), "nothing more until a send ends");
    }

    @Test
    void aPasswordResetTakesTheRelaysReservedSlotBehindABulkBacklog() throws Exception {
        queue("acme", Lane.BULK, RELAY, 10_000, START.minusSeconds(60));
        assertEquals(3, claim(256).size());
        queue("acme", Lane.TRANSACTIONAL, RELAY, 1, START);
        List<Claim> next = claim(256);
        assertEquals(1, next.size());
        assertEquals(Lane.TRANSACTIONAL, next.getFirst().delivery().delivery().lane());
    }

    @Test
    void anOpenBreakerParksTheKeysQueuedDeliveriesInOneUpdateAndHalfOpenTriesTwo() throws Exception {
        queue("acme", Lane.STANDARD, HOOK, 20, START);
        queue("acme", Lane.STANDARD, "webhook:up.test:80", 3, START);
        List<Claim> first = claim(4);
        assertEquals(4, first.size());
        for (int i = 0; i < 4; i++) { // four sends to the failing host: the breaker opens
            governor.tryAcquire(HOOK, Lane.STANDARD).finish(SendOutcome.Retry.of("HTTP 503"));
        }
        first.forEach(c -> c.permit().release());
        List<Claim> next = claim(50);
        assertEquals(20.0, registry.get("herald.egress.parked").counter().count(),
                "the key's queued deliveries were parked by the claim, in one update");
        assertTrue(next.stream().noneMatch(c -> c.delivery().delivery().egressKey().equals(HOOK)), next.toString());
        Instant until = START.plusSeconds(30);
        assertEquals(20, count("SELECT count(*) FROM delivery WHERE egress_key = '" + HOOK + "' AND attempts = 0 "
                + "AND status = 'queued' AND next_attempt_at = " + until.toEpochMilli()),
                "parked, not attempted");

        clock.advance(Duration.ofSeconds(30));
        List<Claim> trials = claim(50);
        assertEquals(2, count(trials, DeliveryRow::egressKey).get(HOOK), "two trial sends while half-open");
    }
}
