package dev.herald.gateway.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.Channel;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.DispatchStatus;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.ScheduleSpec;
import dev.herald.gateway.model.WebhookSpec;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every journal engine promises, run against each ({@code SqliteStoreContractTest}, and the next engine's):
 * durable writes that fail alone, the tables' semantics, claims that are never taken twice and outcomes that are
 * written only with a claim that still holds.
 */
public abstract class StoreContract {
    protected static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    protected Path dir;
    protected Store store;

    /** A new, empty store of the engine under test. */
    protected abstract Store open(Path dir);

    @BeforeEach
    void openStore() {
        store = open(dir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static DispatchSpec spec(String recipient) {
        return DispatchSpec.builder().recipients(List.of(RecipientSpec.of(new Recipient.ExternalId(recipient))))
                .messages(List.of(new WebhookSpec("https://h.test/", "POST", Map.of(), "hi", Optional.empty())))
                .campaignId(Optional.of("camp")).sendId(Optional.of("s1")).build();
    }

    protected static NewDispatch dispatch(String id) {
        return new NewDispatch(id, "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD, spec("u1"), NOW,
                NOW.plus(Duration.ofHours(24)), Optional.of("camp"), Optional.of("s1"), Optional.empty());
    }

    protected static NewDelivery delivery(String dispatchId, String recipient, Lane lane, Instant due) {
        return new NewDelivery(UUID.randomUUID(), dispatchId, "acme", Channel.WEBHOOK, recipient, "http://h/",
                "webhook:h:80", lane, DeliveryStatus.QUEUED, due, NOW.plus(Duration.ofHours(1)), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Writes a dispatch and its deliveries. */
    private void seed(String dispatchId, NewDelivery... deliveries) throws Exception {
        store.write(tx -> {
            tx.dispatches().insert(dispatch(dispatchId), NOW);
            for (NewDelivery d : deliveries) {
                tx.deliveries().insert(d, NOW);
            }
            return null;
        }).get();
    }

    private static String id(int n) {
        return String.format("%032x", n);
    }

    private List<ClaimedDelivery> claim(Lane lane, int limit) throws Exception {
        return store.write(tx -> tx.claims().claimDue(new ClaimQuery(lane, "acme", "webhook:h:80", NOW, limit),
                row -> true)).get();
    }

    private DeliveryRow only(String dispatch) throws Exception {
        return store.read(tx -> tx.deliveries().forDispatch(dispatch)).get().get(0);
    }

    @Test
    void emailAddressListsKeepTheirFirstTimesAndPageNewestFirst() throws Exception {
        store.write(tx -> {
            tx.emailAddresses().setSubscription("acme", "a@x.test", "unsubscribed", NOW);
            tx.emailAddresses().setSubscription("acme", "a@x.test", "unsubscribed", NOW.plusSeconds(60));
            tx.emailAddresses().setSubscription("acme", "b@x.test", "unsubscribed", NOW.plusSeconds(120));
            tx.emailAddresses().setSubscription("other", "c@x.test", "unsubscribed", NOW);
            tx.emailAddresses().markHardBounced("acme", "d@x.test", "550 5.1.1 no such user", NOW);
            tx.emailAddresses().blocklist("acme", "e@x.test", NOW.plusSeconds(5));
            return null;
        }).get();
        var all = new ListQuery(NOW.minusSeconds(1), NOW.plusSeconds(3600), 10, 0, false);
        assertEquals(List.of("b@x.test", "e@x.test", "a@x.test"), store.read(tx -> tx.emailAddresses()
                .unsubscribes("acme", all)).get().stream().map(Listed::address).toList());
        assertEquals(NOW, store.read(tx -> tx.emailAddresses().get("acme", "a@x.test")).get().orElseThrow()
                .unsubscribedAt().orElseThrow(), "still unsubscribed since the first time");
        assertEquals(List.of("d@x.test", "e@x.test"), store.read(tx -> tx.emailAddresses().hardBounces("acme",
                new ListQuery(NOW, NOW.plusSeconds(10), 10, 0, true))).get().stream().map(Listed::address).toList());
        assertEquals(List.of("e@x.test"), store.read(tx -> tx.emailAddresses().hardBounces("acme",
                new ListQuery(NOW, NOW.plusSeconds(10), 1, 0, false))).get().stream().map(Listed::address).toList());

        store.write(tx -> {
            tx.emailAddresses().removeBounce("acme", "e@x.test", NOW.plusSeconds(6));
            tx.emailAddresses().setSubscription("acme", "a@x.test", "opted_in", NOW.plusSeconds(7));
            return null;
        }).get();
        var e = store.read(tx -> tx.emailAddresses().get("acme", "e@x.test")).get().orElseThrow();
        assertTrue(e.hardBouncedAt().isEmpty() && e.blocklistedAt().isEmpty() && e.bounceReason().isEmpty());
        assertEquals(Optional.of("unsubscribed"), e.subscription(), "removing a bounce keeps the subscription state");
        var a = store.read(tx -> tx.emailAddresses().get("acme", "a@x.test")).get().orElseThrow();
        assertEquals(Optional.of("opted_in"), a.subscription());
        assertTrue(a.unsubscribedAt().isEmpty());
        assertTrue(store.read(tx -> tx.emailAddresses().get("acme", "c@x.test")).get().isEmpty(), "per workspace");
    }

    @Test
    void manyExternalIdsAreLookedUpTogetherAsOneByOneWould() throws Exception {
        List<String> asked = new ArrayList<>();
        store.write(tx -> {
            for (int i = 0; i < 70; i++) {
                tx.users().create("acme", Optional.of("u" + i), NOW);
            }
            long renamed = tx.users().create("acme", Optional.of("new-id"), NOW).id();
            tx.users().deprecateExternalId("acme", "old-id", renamed, NOW);
            tx.users().create("other", Optional.of("elsewhere"), NOW);
            return null;
        }).get();
        for (int i = 0; i < 75; i++) {
            asked.add("u" + i); // 70 found, 5 not: more than one IN list, then the deprecated ids of the missing
        }
        asked.addAll(List.of("old-id", "u3", "elsewhere", "nobody"));
        var found = store.read(tx -> tx.users().byExternalIds("acme", asked)).get();
        for (String id : asked) {
            var one = store.read(tx -> tx.users().byExternalId("acme", id)).get();
            assertEquals(one.map(UserRow::id), Optional.ofNullable(found.get(id)).map(UserRow::id), id);
        }
        assertEquals(71, found.size());
        assertEquals("new-id", found.get("old-id").externalId().orElseThrow(), "a deprecated id finds the renamed user");
        assertEquals(Map.of(), store.read(tx -> tx.users().byExternalIds("acme", List.of("x"))).get());
    }

    @Test
    void invalidPhonesAreListedByReasonAndRemoved() throws Exception {
        store.write(tx -> {
            tx.invalidPhones().mark("acme", "+15550000001", "provider_error", "Twilio 21211", NOW);
            tx.invalidPhones().mark("acme", "+15550000002", "deactivated", "carrier", NOW.plusSeconds(1));
            tx.invalidPhones().mark("acme", "+15550000001", "provider_error", "Twilio 21614", NOW.plusSeconds(2));
            return null;
        }).get();
        var window = new ListQuery(NOW, NOW.plusSeconds(60), 10, 0, false);
        assertEquals(List.of("+15550000002", "+15550000001"), store.read(tx -> tx.invalidPhones().page("acme", window,
                Optional.empty())).get().stream().map(Listed::address).toList());
        var errors = store.read(tx -> tx.invalidPhones().page("acme", window, Optional.of("provider_error"))).get();
        assertEquals(1, errors.size());
        assertEquals(NOW, errors.get(0).at(), "first detection kept");
        assertTrue(store.write(tx -> tx.invalidPhones().remove("acme", "+15550000001")).get());
        assertFalse(store.write(tx -> tx.invalidPhones().remove("acme", "+15550000001")).get());
        assertTrue(store.read(tx -> tx.invalidPhones().get("acme", "+15550000001")).get().isEmpty());
    }

    @Test
    void concurrentWritesAreAllKept() throws Exception {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String id = id(i);
            writes.add(store.writeIngress(tx -> {
                tx.dispatches().insert(dispatch(id), NOW);
                return null;
            }));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(2_000, store.read(tx -> tx.dispatches().dueForExpansion(NOW, 5_000).size()).get());
    }

    @Test
    void aFailingWriteFailsOnlyItself() throws Exception {
        var good = store.writeIngress(tx -> {
            tx.dispatches().insert(dispatch("a".repeat(32)), NOW);
            return "ok";
        });
        var bad = store.writeIngress(tx -> {
            tx.dispatches().insert(dispatch("b".repeat(32)), NOW);
            throw new SQLException("boom");
        });
        assertEquals("ok", good.get(10, TimeUnit.SECONDS));
        var e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
        assertEquals("boom", e.getCause().getMessage());
        assertTrue(store.read(tx -> tx.dispatches().find("a".repeat(32))).get().isPresent());
        assertTrue(store.read(tx -> tx.dispatches().find("b".repeat(32))).get().isEmpty(),
                "the failed write kept nothing");
    }

    @Test
    void usageIsCountedOnlyForWritesThatCommitSummedAndReportedOnceCommitted() throws Exception {
        List<UsageRow> reported = java.util.Collections.synchronizedList(new ArrayList<>());
        store.onUsage(reported::addAll);
        Instant at = NOW.plusSeconds(125); // counts in the hour starting at NOW
        List<CompletableFuture<String>> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            boolean fails = i % 4 == 3; // queued together: engines batch them, and a failure must drop only its own
            writes.add(store.write(tx -> {
                tx.usage().count("acme", Channel.WEBHOOK, at, UsageOutcome.ACCEPTED, 2);
                tx.usage().countMove("acme", Channel.WEBHOOK, DeliveryStatus.QUEUED, DeliveryStatus.DELIVERED, at);
                tx.usage().count("beta", Channel.EMAIL, at.plus(Duration.ofHours(1)), UsageOutcome.BOUNCED, 1);
                if (fails) {
                    throw new SQLException("boom");
                }
                return "ok";
            }));
        }
        int failed = 0;
        for (var w : writes) {
            try {
                w.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failed++;
            }
        }
        assertEquals(5, failed);
        List<UsageRow> acme = store.read(tx -> tx.usage().hours("acme", NOW, NOW.plus(Duration.ofDays(1)))).get();
        assertEquals(1, acme.size(), acme.toString());
        assertEquals(NOW, acme.get(0).hour());
        assertEquals(30, acme.get(0).count(UsageOutcome.ACCEPTED));
        assertEquals(15, acme.get(0).count(UsageOutcome.SENT), "delivered at once was sent too");
        assertEquals(15, acme.get(0).count(UsageOutcome.DELIVERED));
        assertEquals(0, acme.get(0).count(UsageOutcome.FAILED));
        List<UsageRow> beta = store.read(tx -> tx.usage().hours("beta", NOW, NOW.plus(Duration.ofDays(1)))).get();
        assertEquals(NOW.plus(Duration.ofHours(1)), beta.get(0).hour());
        assertEquals(15, beta.get(0).count(UsageOutcome.BOUNCED));
        assertEquals(List.of(), store.read(tx -> tx.usage().hours("acme", NOW.plus(Duration.ofHours(1)),
                NOW.plus(Duration.ofDays(1)))).get(), "another hour");
        long reportedAccepted = reported.stream().filter(r -> r.workspace().equals("acme"))
                .mapToLong(r -> r.count(UsageOutcome.ACCEPTED)).sum();
        assertEquals(30, reportedAccepted, "what was committed is reported, once");
    }

    private static String event(String dispatch, int n) {
        return "{\"event_type\":\"users.messages.webhook.Send\",\"id\":\"" + new UUID(0, n)
                + "\",\"time\":1,\"properties\":{\"dispatch_id\":\"" + dispatch + "\"}}";
    }

    private List<Integer> numbers(List<StreamEventRow> events) {
        return events.stream().map(e -> (int) e.id().getLeastSignificantBits()).toList();
    }

    @Test
    void streamEventsAreWrittenOnlyWithWritesThatCommitInTheOrderTheyHappened() throws Exception {
        Instant expires = NOW.plus(Duration.ofDays(1));
        List<CompletableFuture<String>> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            writes.add(store.write(tx -> {
                tx.streamEvents().add("acme", event("d" + n, 2 * n), NOW, expires);
                tx.streamEvents().add("acme", event("d" + n, 2 * n + 1), NOW, expires);
                tx.streamEvents().add("beta", event("b" + n, n), NOW, expires);
                if (n % 4 == 3) {
                    throw new SQLException("boom"); // queued together: a failure drops only its own events
                }
                return "ok";
            }));
        }
        for (var w : writes) {
            try {
                w.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // the failing ones
            }
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            if (i % 4 != 3) {
                kept.add(2 * i);
                kept.add(2 * i + 1);
            }
        }
        List<StreamEventRow> acme = store.read(tx -> tx.streamEvents().oldestPending("acme", 1000)).get();
        assertEquals(kept, numbers(acme));
        assertEquals("d0", acme.get(0).dispatchId());
        assertEquals("users.messages.webhook.Send", acme.get(0).type());
        assertEquals(15, store.read(tx -> tx.streamEvents().oldestPending("beta", 1000)).get().size());
        assertEquals(Map.of("acme", 30L, "beta", 15L), store.read(tx -> tx.streamEvents().heldCounts()).get());
    }

    @Test
    void streamEventsArePublishedInPartsOfChunksFailAsChunksAndAreReplayedWithTheirIds() throws Exception {
        int total = StreamEvents.MAX_CHUNK + 100; // one transaction, two chunks
        store.write(tx -> {
            for (int i = 0; i < total; i++) {
                tx.streamEvents().add("acme", event("d", i), NOW, NOW.plus(Duration.ofHours(24)));
            }
            return null;
        }).get();
        var first = store.read(tx -> tx.streamEvents().oldestPending("acme", 100)).get();
        assertEquals(100, first.size());
        store.write(tx -> {
            tx.streamEvents().published(first);
            return null;
        }).get();
        var next = store.read(tx -> tx.streamEvents().oldestPending("acme", 1000)).get();
        assertEquals(100, (int) numbers(next).get(0), "the published part of a chunk is not read again");
        assertEquals(1000, next.size(), "a batch spans chunks");
        assertEquals(total - 100, store.read(tx -> tx.streamEvents().heldCounts()).get().get("acme"));

        Instant late = NOW.plus(Duration.ofHours(25));
        int dead = store.write(tx -> tx.streamEvents().failed(next, "503", late)).get();
        assertEquals(total - 100, dead, "every unpublished event of a chunk past its age limit is dead");
        assertEquals(List.of(), store.read(tx -> tx.streamEvents().oldestPending("acme", 10)).get());
        List<Integer> listed = new ArrayList<>();
        long after = 0;
        while (true) {
            long cursor = after;
            var page = store.read(tx -> tx.streamEvents().dead("acme", cursor, 300)).get();
            listed.addAll(numbers(page));
            if (page.size() < 300) {
                break;
            }
            after = page.get(page.size() - 1).position();
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 100; i < total; i++) {
            expected.add(i);
        }
        assertEquals(expected, listed, "dead events page in order across chunks, each once");
        assertEquals("503", store.read(tx -> tx.streamEvents().dead("acme", 0, 1)).get().get(0).lastError()
                .orElseThrow());

        int replayed = store.write(tx -> tx.streamEvents().replayDead("acme", 10, late, late.plus(Duration.ofDays(1))))
                .get();
        assertEquals(StreamEvents.MAX_CHUNK - 100, replayed, "whole chunks are replayed");
        assertEquals(expected.subList(0, StreamEvents.MAX_CHUNK - 100),
                numbers(store.read(tx -> tx.streamEvents().oldestPending("acme", 2000)).get()), "ids and order kept");
        assertEquals(100, store.write(tx -> tx.streamEvents().purgeDead(late.plusSeconds(1), 100)).get());
        assertEquals(StreamEvents.MAX_CHUNK - 100, store.read(tx -> tx.streamEvents().heldCounts()).get().get("acme"));
    }

    @Test
    void deadLettersAreListedInTheOrderTheyEndedAndReplayedWithTheirId() throws Exception {
        String id = "e".repeat(32);
        List<NewDelivery> ds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ds.add(delivery(id, "r" + i, Lane.STANDARD, NOW));
        }
        store.write(tx -> {
            tx.dispatches().insert(dispatch(id), NOW);
            for (NewDelivery d : ds) {
                tx.deliveries().insert(d, NOW);
            }
            return null;
        }).get();
        var claimed = claim(Lane.STANDARD, 10);
        DeliveryStatus[] ends = {DeliveryStatus.FAILED, DeliveryStatus.BOUNCED, DeliveryStatus.DELIVERED,
                DeliveryStatus.FAILED, DeliveryStatus.EXPIRED};
        for (int i = 0; i < claimed.size(); i++) {
            var c = claimed.get(i);
            int n = ds.indexOf(ds.stream().filter(d -> d.id().equals(c.delivery().id())).findFirst().orElseThrow());
            Instant ended = NOW.plusSeconds(10 - n); // r4 ended first
            assertTrue(store.write(tx -> tx.claims().record(c.token(), new DeliveryUpdate(c.delivery().id(), ends[n],
                    Optional.empty(), Optional.of("no"), Optional.empty(), Optional.empty()), ended)).get());
        }
        List<DeliveryRow> all = store.read(tx -> tx.deadLetters().page("acme", DeadLetterFilter.ALL, Optional.empty(),
                10)).get();
        assertEquals(List.of("r4", "r3", "r1", "r0"), all.stream().map(DeliveryRow::recipient).toList());
        List<DeliveryRow> next = store.read(tx -> tx.deadLetters().page("acme", DeadLetterFilter.ALL,
                Optional.of(DeadLetters.Cursor.after(all.get(1))), 10)).get();
        assertEquals(List.of("r1", "r0"), next.stream().map(DeliveryRow::recipient).toList());
        assertEquals(List.of(), store.read(tx -> tx.deadLetters().page("beta", DeadLetterFilter.ALL, Optional.empty(),
                10)).get(), "another workspace's are not listed");

        Instant later = NOW.plus(Duration.ofHours(3));
        var r = store.write(tx -> tx.deadLetters().replayMatching("acme", new DeadLetterFilter(Optional.empty(),
                Optional.of(DeliveryStatus.FAILED), Optional.empty(), Optional.empty(), Optional.empty()),
                Optional.empty(), 1, new java.util.HashSet<>(), later, Duration.ofHours(24))).get();
        assertEquals(1, r.count());
        assertTrue(r.more(), "one more failed");
        DeliveryRow replayed = store.read(tx -> tx.deliveries().forDispatch(id)).get().stream()
                .filter(d -> d.recipient().equals("r3")).findFirst().orElseThrow();
        assertEquals(DeliveryStatus.QUEUED, replayed.status());
        assertEquals(later, replayed.nextAttemptAt());
        assertEquals(later.plus(Duration.ofHours(24)), replayed.expiresAt());
        assertEquals(1, replayed.attempts(), "attempts keep counting");
        var again = store.write(tx -> tx.claims().claimDue(new ClaimQuery(Lane.STANDARD, "acme", "webhook:h:80", later,
                10), row -> true)).get();
        assertEquals(List.of(replayed.id()), again.stream().map(c -> c.delivery().id()).toList(),
                "due again, and claimed for its next attempt");
        assertEquals(2, again.get(0).token().attempt());
        assertTrue(store.write(tx -> tx.deadLetters().replay("beta", ds.get(0).id(), later, Duration.ofHours(1))).get()
                .isEmpty(), "another workspace cannot replay it");
        assertTrue(store.write(tx -> tx.deadLetters().replay("acme", ds.get(2).id(), later, Duration.ofHours(1))).get()
                .isEmpty(), "a delivered delivery is not dead");
        assertTrue(store.write(tx -> tx.deadLetters().replay("acme", ds.get(0).id(), later, Duration.ofHours(1))).get()
                .isPresent());
    }

    @Test
    void aDispatchKeepsItsSpecScheduleAndColumns() throws Exception {
        String id = "c".repeat(32);
        var d = new NewDispatch(id, "acme", DispatchKind.CANVAS_TRIGGER_SCHEDULE, Lane.BULK, spec("u7"),
                NOW.plusSeconds(60), NOW.plusSeconds(3600), Optional.of("welcome"), Optional.empty(),
                Optional.of(new ScheduleSpec("2026-11-24T09:00", true)));
        store.write(tx -> {
            tx.dispatches().insert(d, NOW);
            return null;
        }).get();
        DispatchRow row = store.read(tx -> tx.dispatches().find(id)).get().orElseThrow();
        assertEquals(spec("u7"), row.spec());
        assertEquals(DispatchKind.CANVAS_TRIGGER_SCHEDULE, row.kind());
        assertEquals(DispatchStatus.ACCEPTED, row.status());
        assertEquals(Lane.BULK, row.lane());
        assertTrue(row.inLocalTime());
        assertEquals(Optional.of("welcome"), row.campaignId());

        DispatchSpec changed = spec("u8");
        assertTrue(store.write(tx -> tx.dispatches().reschedule(id, changed, NOW.plusSeconds(120),
                new ScheduleSpec("2026-11-25T09:00:00Z", false), NOW)).get());
        DispatchRow moved = store.read(tx -> tx.dispatches().find(id)).get().orElseThrow();
        assertEquals(changed, moved.spec());
        assertEquals(NOW.plusSeconds(3660), moved.expiresAt(), "the age limit moves with the schedule");
        assertFalse(moved.inLocalTime());
        assertTrue(store.write(tx -> tx.dispatches().cancel(id, NOW)).get());
        assertFalse(store.write(tx -> tx.dispatches().reschedule(id, changed, NOW, moved.schedule().orElseThrow(),
                NOW)).get(), "a cancelled schedule does not change");
    }

    @Test
    void claimsDueDeliveriesOnceCountingTheAttemptAndExpiresWhatIsTooOld() throws Exception {
        String id = "d".repeat(32);
        var old = new NewDelivery(UUID.randomUUID(), id, "acme", Channel.WEBHOOK, "old", "http://h/", "webhook:h:80",
                Lane.STANDARD, DeliveryStatus.QUEUED, NOW, NOW.minusSeconds(1), Optional.of("HTTP 503"),
                Optional.empty(), Optional.empty());
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
        List<ExpiredDelivery> expired = new ArrayList<>();
        var claimed = store.write(tx -> tx.claims().claimDue(new ClaimQuery(Lane.STANDARD, "acme", "webhook:h:80",
                NOW, 10), row -> true, expired)).get();
        assertEquals(List.of("now"), claimed.stream().map(c -> c.delivery().recipient()).toList());
        assertEquals(List.of("old"), expired.stream().map(e -> e.delivery().recipient()).toList(),
                "the expired one is reported, for its listeners");
        assertEquals(DispatchKind.MESSAGES_SEND, expired.get(0).kind());
        assertEquals(spec("u1"), expired.get(0).spec().decode());
        assertTrue(expired.get(0).reason().contains("last error: HTTP 503"), expired.get(0).reason());
        assertEquals(1, claimed.get(0).delivery().attempts());
        assertEquals(1, claimed.get(0).token().attempt());
        assertEquals(DispatchKind.MESSAGES_SEND, claimed.get(0).kind());
        assertEquals(spec("u1"), claimed.get(0).spec().decode());
        var rows = store.read(tx -> tx.deliveries().forDispatch(id)).get().stream()
                .collect(Collectors.toMap(DeliveryRow::recipient, r -> r));
        assertEquals(DeliveryStatus.QUEUED, rows.get("later").status());
        assertEquals(DeliveryStatus.EXPIRED, rows.get("old").status());
        assertTrue(rows.get("old").lastError().orElseThrow().contains("last error: HTTP 503"));
        assertEquals(List.of(), claim(Lane.STANDARD, 10), "a claimed delivery is not claimed twice");
        assertEquals(List.of("bulk"), claim(Lane.BULK, 10).stream().map(c -> c.delivery().recipient()).toList());
    }

    @Test
    void aClaimThatIsRefusedLeavesTheDeliveryAsItIs() throws Exception {
        String id = "9".repeat(32);
        seed(id, delivery(id, "r", Lane.STANDARD, NOW));
        assertEquals(List.of(), store.write(tx -> tx.claims().claimDue(new ClaimQuery(Lane.STANDARD, "acme",
                "webhook:h:80", NOW, 10), row -> false)).get());
        assertEquals(1, claim(Lane.STANDARD, 10).size(), "refused, not claimed: it is still due");
    }

    @Test
    void anOutcomeIsWrittenOnlyWithAClaimThatStillHolds() throws Exception {
        String id = "e".repeat(32);
        NewDelivery d = delivery(id, "r", Lane.STANDARD, NOW);
        ClaimToken token = seedAndClaim(id, d);
        var delivered = deliveredAs(d, "p-1");
        long staleBefore = store.staleOutcomes();
        var forged = new ClaimToken(d.id(), 1, "another-node");
        assertFalse(store.write(tx -> tx.claims().record(forged, delivered, NOW)).get(), "not this store's claim");
        var wrongAttempt = new ClaimToken(d.id(), 2, token.owner());
        assertFalse(store.write(tx -> tx.claims().record(wrongAttempt, delivered, NOW)).get(), "not this attempt");
        assertTrue(store.write(tx -> tx.claims().record(token, delivered, NOW)).get());
        var late = new DeliveryUpdate(d.id(), DeliveryStatus.FAILED, Optional.empty(), Optional.of("late"),
                Optional.empty(), Optional.empty());
        assertFalse(store.write(tx -> tx.claims().record(token, late, NOW)).get(),
                "a repeated result is dropped: the claim is gone");
        assertEquals(3, store.staleOutcomes() - staleBefore, "every dropped outcome is counted");
        DeliveryRow row = only(id);
        assertEquals(DeliveryStatus.DELIVERED, row.status());
        assertEquals(1, row.attempts());
        assertEquals(Optional.of("p-1"), row.providerMessageId());
    }

    @Test
    void aClaimInAWriteThatFailsIsNotMade() throws Exception {
        String id = "7".repeat(32);
        seed(id, delivery(id, "r", Lane.STANDARD, NOW));
        var failed = store.write(tx -> {
            assertEquals(1, tx.claims().claimDue(new ClaimQuery(Lane.STANDARD, "acme", "webhook:h:80", NOW, 10),
                    row -> true).size());
            throw new SQLException("boom after the claim");
        });
        assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
        assertEquals(1, claim(Lane.STANDARD, 10).size(), "the claim was rolled back with its write: due again here");
    }

    @Test
    void severalOutcomesAreRecordedTogetherEachOnItsOwnClaim() throws Exception {
        String id = "6".repeat(32);
        NewDelivery a = delivery(id, "a", Lane.STANDARD, NOW);
        NewDelivery b = delivery(id, "b", Lane.STANDARD, NOW);
        NewDelivery c = delivery(id, "c", Lane.STANDARD, NOW);
        seed(id, a, b, c);
        Map<UUID, ClaimToken> tokens = new HashMap<>();
        claim(Lane.STANDARD, 10).forEach(claimed -> tokens.put(claimed.delivery().id(), claimed.token()));
        long staleBefore = store.staleOutcomes();
        List<AttemptOutcome> outcomes = List.of(
                new AttemptOutcome(tokens.get(a.id()), update(a, DeliveryStatus.DELIVERED)),
                new AttemptOutcome(new ClaimToken(b.id(), 1, "another-node"), update(b, DeliveryStatus.DELIVERED)),
                new AttemptOutcome(tokens.get(c.id()), update(c, DeliveryStatus.FAILED)));
        boolean[] applied = store.write(tx -> tx.claims().recordAll(outcomes, NOW)).get();
        assertArrayEquals(new boolean[] {true, false, true}, applied);
        assertEquals(1, store.staleOutcomes() - staleBefore);
        Map<String, DeliveryStatus> statuses = new HashMap<>();
        store.read(tx -> tx.deliveries().forDispatch(id)).get().forEach(r -> statuses.put(r.recipient(), r.status()));
        assertEquals(Map.of("a", DeliveryStatus.DELIVERED, "b", DeliveryStatus.QUEUED, "c", DeliveryStatus.FAILED),
                statuses);
    }

    @Test
    void aCyclesManyOutcomesAreEachAppliedOrDroppedAsOneByOneWouldBe() throws Exception {
        // 87 outcomes: more than one statement's worth however an engine cuts them; stale ones spread through.
        String id = "5".repeat(32);
        NewDelivery[] ds = new NewDelivery[87];
        for (int i = 0; i < ds.length; i++) {
            ds[i] = delivery(id, "r" + i, Lane.STANDARD, NOW);
        }
        seed(id, ds);
        Map<UUID, ClaimToken> tokens = new HashMap<>();
        claim(Lane.STANDARD, 100).forEach(c -> tokens.put(c.delivery().id(), c.token()));
        assertEquals(ds.length, tokens.size());
        Instant retryAt = NOW.plusSeconds(60);
        List<AttemptOutcome> outcomes = new ArrayList<>();
        boolean[] expected = new boolean[ds.length];
        for (int i = 0; i < ds.length; i++) {
            ClaimToken t = tokens.get(ds[i].id());
            ClaimToken sent = i % 5 == 0 ? new ClaimToken(t.delivery(), t.attempt(), "another-node")
                    : i % 7 == 0 ? new ClaimToken(t.delivery(), t.attempt() + 1, t.owner()) : t;
            expected[i] = i % 5 != 0 && i % 7 != 0;
            DeliveryUpdate u = i % 3 == 0
                    ? new DeliveryUpdate(ds[i].id(), DeliveryStatus.QUEUED, Optional.of(retryAt),
                            Optional.of("busy " + i), Optional.empty(), Optional.empty())
                    : new DeliveryUpdate(ds[i].id(), DeliveryStatus.DELIVERED, Optional.empty(), Optional.empty(),
                            Optional.of("p-" + i), Optional.empty());
            outcomes.add(new AttemptOutcome(sent, u));
        }
        long staleBefore = store.staleOutcomes();
        boolean[] applied = store.write(tx -> tx.claims().recordAll(outcomes, NOW)).get();
        assertArrayEquals(expected, applied);
        int dropped = 0;
        for (boolean e : expected) {
            dropped += e ? 0 : 1;
        }
        assertEquals(dropped, store.staleOutcomes() - staleBefore, "every dropped outcome is counted");
        Map<String, DeliveryRow> rows = new HashMap<>();
        store.read(tx -> tx.deliveries().forDispatch(id)).get().forEach(r -> rows.put(r.recipient(), r));
        for (int i = 0; i < ds.length; i++) {
            DeliveryRow r = rows.get("r" + i);
            if (!expected[i]) {
                assertEquals(DeliveryStatus.QUEUED, r.status(), "r" + i);
                assertEquals(0, r.attempts(), "r" + i + ": a dropped outcome counts no attempt");
            } else if (i % 3 == 0) {
                assertEquals(DeliveryStatus.QUEUED, r.status(), "r" + i);
                assertEquals(1, r.attempts(), "r" + i);
                assertEquals(retryAt, r.nextAttemptAt(), "r" + i);
                assertEquals(Optional.of("busy " + i), r.lastError(), "r" + i);
            } else {
                assertEquals(DeliveryStatus.DELIVERED, r.status(), "r" + i);
                assertEquals(1, r.attempts(), "r" + i);
                assertEquals(Optional.of("p-" + i), r.providerMessageId(), "r" + i);
            }
        }
    }

    @Test
    void anOutcomeGivenTwiceInOneCallIsAppliedOnce() throws Exception {
        String id = "4".repeat(32);
        NewDelivery d = delivery(id, "r", Lane.STANDARD, NOW);
        ClaimToken token = seedAndClaim(id, d);
        long staleBefore = store.staleOutcomes();
        boolean[] applied = store.write(tx -> tx.claims().recordAll(List.of(new AttemptOutcome(token,
                        deliveredAs(d, "p-1")),
                new AttemptOutcome(token, update(d, DeliveryStatus.FAILED))), NOW)).get();
        assertArrayEquals(new boolean[] {true, false}, applied);
        assertEquals(1, store.staleOutcomes() - staleBefore);
        DeliveryRow row = only(id);
        assertEquals(DeliveryStatus.DELIVERED, row.status());
        assertEquals(1, row.attempts());
    }

    /** Seeds {@code d} as the only delivery of dispatch {@code id} and claims it. */
    private ClaimToken seedAndClaim(String id, NewDelivery d) throws Exception {
        seed(id, d);
        return claim(Lane.STANDARD, 1).get(0).token();
    }

    private static DeliveryUpdate deliveredAs(NewDelivery d, String providerId) {
        return new DeliveryUpdate(d.id(), DeliveryStatus.DELIVERED, Optional.empty(), Optional.empty(),
                Optional.of(providerId), Optional.empty());
    }

    private static DeliveryUpdate update(NewDelivery d, DeliveryStatus status) {
        return new DeliveryUpdate(d.id(), status, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Test
    void aRetryIsDueAgainAndClaimedForItsNextAttempt() throws Exception {
        String id = "8".repeat(32);
        NewDelivery d = delivery(id, "r", Lane.STANDARD, NOW);
        seed(id, d);
        ClaimToken first = claim(Lane.STANDARD, 1).get(0).token();
        var retry = new DeliveryUpdate(d.id(), DeliveryStatus.QUEUED, Optional.of(NOW), Optional.of("HTTP 503"),
                Optional.empty(), Optional.empty());
        assertTrue(store.write(tx -> tx.claims().record(first, retry, NOW)).get());
        ClaimedDelivery second = claim(Lane.STANDARD, 1).get(0);
        assertEquals(2, second.token().attempt());
        assertEquals(2, second.delivery().attempts());
        assertEquals(Optional.of("HTTP 503"), second.delivery().lastError());
    }

    @Test
    void parkingMovesAKeysQueuedDeliveriesLaterWithoutAnAttempt() throws Exception {
        String id = "7".repeat(32);
        seed(id, delivery(id, "r", Lane.STANDARD, NOW));
        assertEquals(1, store.write(tx -> tx.deliveries().park("webhook:h:80", NOW.plusSeconds(30), NOW)).get());
        assertEquals(List.of(), claim(Lane.STANDARD, 1));
        DeliveryRow row = only(id);
        assertEquals(NOW.plusSeconds(30), row.nextAttemptAt());
        assertEquals(0, row.attempts());
    }

    @Test
    void queuedWorkspacesAndKeysAreListedInOrder() throws Exception {
        String id = "6".repeat(32);
        store.write(tx -> {
            tx.dispatches().insert(dispatch(id), NOW);
            for (String ws : List.of("b", "a")) {
                for (String key : List.of("k2", "k1")) {
                    tx.deliveries().insert(new NewDelivery(UUID.randomUUID(), id, ws, Channel.WEBHOOK, ws + key,
                            "http://h/", key, Lane.BULK, DeliveryStatus.QUEUED, NOW, NOW.plusSeconds(60),
                            Optional.empty(), Optional.empty(), Optional.empty()), NOW);
                }
            }
            return null;
        }).get();
        assertEquals(List.of("a", "b"), store.read(tx -> tx.deliveries().queuedWorkspaces(Lane.BULK)).get());
        assertEquals(List.of("k1", "k2"), store.read(tx -> tx.deliveries().queuedEgressKeys(Lane.BULK, "b")).get());
        assertEquals(List.of(), store.read(tx -> tx.deliveries().queuedWorkspaces(Lane.STANDARD)).get());
    }

    @Test
    void sendsAreCountedByUtcDay() throws Exception {
        String id = "5".repeat(32);
        Instant lateEvening = Instant.parse("2026-11-22T23:30:00Z");
        store.write(tx -> {
            tx.dispatches().insert(dispatch(id), NOW);
            tx.deliveries().insert(delivery(id, "a", Lane.STANDARD, NOW), lateEvening);
            tx.deliveries().insert(delivery(id, "b", Lane.STANDARD, NOW), NOW);
            tx.deliveries().insert(delivery(id, "c", Lane.STANDARD, NOW), NOW);
            return null;
        }).get();
        var counts = store.read(tx -> tx.deliveries().sendCounts("acme", "camp", "s1",
                Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z"))).get();
        var byDay = counts.stream().collect(Collectors.toMap(Deliveries.SendCount::day, Deliveries.SendCount::deliveries));
        assertEquals(Map.of(LocalDate.parse("2026-11-22"), 1L, LocalDate.parse("2026-11-23"), 2L), byDay);
        var recipients = store.read(tx -> tx.deliveries().sendRecipients("acme", "camp", "s1",
                Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z"))).get();
        assertEquals(Map.of(LocalDate.parse("2026-11-22"), 1L, LocalDate.parse("2026-11-23"), 2L), recipients);
    }

    @Test
    void idempotencyKeysAnswerUntilTheyExpireAndAreThenReplaced() throws Exception {
        assertTrue(store.write(tx -> tx.keys().putIdempotent("acme", "k", "fp1", 201, "{}", Optional.empty(), NOW,
                NOW.minus(Duration.ofHours(24)))).get());
        assertFalse(store.write(tx -> tx.keys().putIdempotent("acme", "k", "fp2", 201, "{}", Optional.empty(), NOW,
                NOW.minus(Duration.ofHours(24)))).get(), "a live key is not replaced");
        assertEquals("fp1", store.read(tx -> tx.keys().idempotent("acme", "k", NOW.minusSeconds(1))).get()
                .orElseThrow().fingerprint());
        Instant tomorrow = NOW.plus(Duration.ofHours(25));
        assertTrue(store.write(tx -> tx.keys().putIdempotent("acme", "k", "fp3", 201, "{}", Optional.empty(), tomorrow,
                tomorrow.minus(Duration.ofHours(24)))).get(), "an expired key is replaced");
        assertTrue(store.write(tx -> tx.keys().putSendId("acme", "camp", "s9", NOW)).get());
        assertFalse(store.write(tx -> tx.keys().putSendId("acme", "camp", "s9", NOW)).get());
        assertEquals(1, store.write(tx -> tx.keys().purge(tomorrow.plus(Duration.ofDays(2)), 100)).get());
        assertEquals(1, store.write(tx -> tx.keys().purgeSendIds(tomorrow, 100)).get());
    }

    @Test
    void aMergeMovesSubscriptionsTheTargetLacksAndKeepsItsOwn() throws Exception {
        var ids = store.write(tx -> {
            UserRow from = tx.users().create("acme", Optional.empty(), NOW);
            UserRow into = tx.users().create("acme", Optional.of("u1"), NOW);
            tx.users().putSubscription(from.id(), "g1", "unsubscribed", NOW);
            tx.users().putSubscription(from.id(), "g2", "subscribed", NOW);
            tx.users().putSubscription(into.id(), "g1", "subscribed", NOW);
            tx.users().moveAll(from.id(), into.id());
            tx.users().delete(from.id());
            return into.id();
        }).get();
        assertEquals(Map.of("g1", "subscribed", "g2", "subscribed"),
                store.read(tx -> tx.users().subscriptions(ids)).get());
    }

    @Test
    void aTokenRegisteredAgainAfterTheProvidersInvalidationStaysValid() throws Exception {
        long user = store.write(tx -> {
            UserRow u = tx.users().create("acme", Optional.of("u1"), NOW);
            tx.users().putPushToken("acme", "ios", "t1", u.id(), Optional.empty(), NOW);
            return u.id();
        }).get();
        assertFalse(store.write(tx -> tx.users().invalidatePushToken("acme", "ios", "t1",
                Optional.of(NOW.minusSeconds(10)), "410")).get());
        assertTrue(store.write(tx -> tx.users().invalidatePushToken("acme", "ios", "t1",
                Optional.of(NOW.plusSeconds(10)), "410")).get());
        assertEquals(Optional.of("410"), store.read(tx -> tx.users().pushTokens(user)).get().get(0).invalidReason());
    }


    @Test
    void tokensReadAheadForManyUsersAreEachUsersNewestFirstUntilTheReadAheadCloses() throws Exception {
        // 70 users: past one IN list of 64. Every third has no token; the others two, registered a second apart.
        List<Long> users = store.write(tx -> {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 70; i++) {
                UserRow u = tx.users().create("acme", Optional.of("u" + i), NOW);
                if (i % 3 != 0) {
                    tx.users().putPushToken("acme", "ios", "old-" + i, u.id(), Optional.empty(), NOW);
                    tx.users().putPushToken("acme", "ios", "new-" + i, u.id(), Optional.empty(), NOW.plusSeconds(1));
                }
                ids.add(u.id());
            }
            return ids;
        }).get();
        Map<Long, List<PushTokenRow>> oneByOne = store.read(tx -> {
            Map<Long, List<PushTokenRow>> m = new HashMap<>();
            for (long u : users) {
                m.put(u, tx.users().pushTokens(u));
            }
            return m;
        }).get();
        store.write(tx -> {
            try (var ahead = tx.users().preloadPushTokens(users)) {
                for (long u : users) {
                    assertEquals(oneByOne.get(u), tx.users().pushTokens(u), "user " + u);
                }
                // Answered from what was read ahead: a token added meanwhile is not seen until it closes.
                tx.users().putPushToken("acme", "ios", "newest", users.get(0), Optional.empty(), NOW.plusSeconds(2));
                assertEquals(List.of(), tx.users().pushTokens(users.get(0)));
            }
            assertEquals(List.of("newest"), tx.users().pushTokens(users.get(0)).stream().map(PushTokenRow::token)
                    .toList());
            return null;
        }).get();
        assertEquals(List.of("new-1", "old-1"), oneByOne.get(users.get(1)).stream().map(PushTokenRow::token).toList());
    }
    @Test
    void purgesFinishedRowsByAge() throws Exception {
        String id = "f".repeat(32);
        NewDelivery d = delivery(id, "r", Lane.STANDARD, NOW);
        store.write(tx -> {
            tx.dispatches().insert(dispatch(id), NOW);
            tx.deliveries().insert(d, NOW);
            tx.dispatches().markExpanded(id, NOW);
            return null;
        }).get();
        ClaimToken token = claim(Lane.STANDARD, 1).get(0).token();
        store.write(tx -> tx.claims().record(token, new DeliveryUpdate(d.id(), DeliveryStatus.DELIVERED,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()), NOW)).get();
        Instant later = NOW.plus(Duration.ofDays(8));
        assertEquals(0, store.write(tx -> tx.dispatches().purge(later, 1000)).get(), "still has deliveries");
        assertEquals(1, store.write(tx -> tx.deliveries().purgeFinished(later, 1000)).get());
        assertEquals(1, store.write(tx -> tx.dispatches().purge(later, 1000)).get());
    }

    @Test
    void aDeletedUsersDeliveriesAreAbortedAndScrubbed() throws Exception {
        String id = "4".repeat(32);
        long user = store.write(tx -> tx.users().create("acme", Optional.of("u1"), NOW).id()).get();
        store.write(tx -> {
            tx.dispatches().insert(dispatch(id), NOW);
            tx.deliveries().insert(new NewDelivery(UUID.randomUUID(), id, "acme", Channel.EMAIL, "external_id:u1",
                    "ana@example.test", "smtp:x", Lane.STANDARD, DeliveryStatus.QUEUED, NOW, NOW.plusSeconds(60),
                    Optional.empty(), Optional.of(user), Optional.empty()), NOW);
            return tx.deliveries().forgetUser(user, NOW);
        }).get();
        DeliveryRow row = only(id);
        assertEquals(DeliveryStatus.ABORTED, row.status());
        assertTrue(row.address().startsWith("deleted:"), row.address());
        assertEquals(Optional.empty(), row.userId());
    }

    /**
     * Returns once the engine's lookups by recipient and address have taken in every committed delivery, for an
     * engine that keeps them apart from the journal (SQLite's side index); the lookups must answer the same before.
     */
    protected void lookupsCaughtUp() throws Exception {
    }

    private NewDelivery addressed(String dispatchId, String workspace, String recipient, String address,
                                  Optional<Long> user) {
        return new NewDelivery(UUID.randomUUID(), dispatchId, workspace, Channel.EMAIL, recipient, address, "smtp:x",
                Lane.STANDARD, DeliveryStatus.QUEUED, NOW, NOW.plusSeconds(600), Optional.empty(), user,
                Optional.empty());
    }

    @Test
    void deliveriesAreFoundByRecipientOrAddressNewestFirstWithinTheirWorkspace() throws Exception {
        long ana = store.write(tx -> tx.users().create("acme", Optional.of("ana"), NOW).id()).get();
        NewDelivery first = addressed(id(71), "acme", "external_id:ana", "ana@example.test", Optional.of(ana));
        NewDelivery second = addressed(id(72), "acme", "external_id:ana", "ana@example.test", Optional.of(ana));
        NewDelivery third = addressed(id(72), "acme", "external_id:ana", "ana@work.test", Optional.of(ana));
        NewDelivery bo = addressed(id(72), "acme", "external_id:bo", "bo@example.test", Optional.empty());
        NewDelivery elsewhere = addressed(id(73), "other", "external_id:ana", "ana@example.test", Optional.empty());
        List<NewDelivery> inOrder = List.of(first, second, third, bo, elsewhere);
        for (int i = 0; i < inOrder.size(); i++) {
            NewDelivery d = inOrder.get(i);
            Instant at = NOW.plusSeconds(i);
            store.write(tx -> {
                if (tx.dispatches().find(d.dispatchId()).isEmpty()) {
                    tx.dispatches().insert(dispatch(d.dispatchId()), at);
                }
                return tx.deliveries().insert(d, at);
            }).get();
        }
        for (boolean caughtUp : List.of(false, true)) {
            if (caughtUp) {
                lookupsCaughtUp();
            }
            assertEquals(List.of(third.id(), second.id(), first.id()), lookup(Deliveries.LookupColumn.RECIPIENT,
                    "external_id:ana", 10), "caught up: " + caughtUp);
            assertEquals(List.of(second.id()), lookup(Deliveries.LookupColumn.ADDRESS, "ana@example.test", 1));
            assertEquals(List.of(bo.id()), lookup(Deliveries.LookupColumn.ADDRESS, "bo@example.test", 10));
            assertEquals(List.of(), lookup(Deliveries.LookupColumn.ADDRESS, "nobody@example.test", 10));
            assertEquals(List.of(elsewhere.id()), store.read(tx -> tx.deliveries().latestFor("other",
                    Deliveries.LookupColumn.ADDRESS, "ana@example.test", 10)).get().stream().map(DeliveryRow::id)
                    .toList(), "another workspace's delivery to the same address is its own");
        }
        store.write(tx -> tx.deliveries().forgetUser(ana, NOW)).get();
        lookupsCaughtUp();
        assertEquals(List.of(), lookup(Deliveries.LookupColumn.ADDRESS, "ana@example.test", 10), "scrubbed");
        assertEquals(List.of(), lookup(Deliveries.LookupColumn.RECIPIENT, "external_id:ana", 10), "scrubbed");
        assertEquals(List.of(bo.id()), lookup(Deliveries.LookupColumn.RECIPIENT, "external_id:bo", 10));
    }

    private List<UUID> lookup(Deliveries.LookupColumn column, String value, int limit) throws Exception {
        return store.read(tx -> tx.deliveries().latestFor("acme", column, value, limit)).get().stream()
                .map(DeliveryRow::id).toList();
    }

    @Test
    void emailTemplatesAreKeptPerWorkspaceWithUniqueNamesAndListedByModification() throws Exception {
        var welcome = new EmailTemplateRow("t-1", "acme", "welcome", "Hi {{${first_name}}}", "<p>b</p>",
                Optional.of("b"), Optional.empty(), Optional.of(true), List.of("x", "y"), NOW, NOW);
        assertTrue(store.writeIngress(tx -> tx.emailTemplates().insert(welcome)).get());
        var twin = new EmailTemplateRow("t-2", "acme", "welcome", "s", "b", Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), NOW, NOW);
        assertFalse(store.writeIngress(tx -> tx.emailTemplates().insert(twin)).get(), "a name is unique in a workspace");
        var elsewhere = new EmailTemplateRow("t-3", "other", "welcome", "s", "b", Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), NOW, NOW);
        assertTrue(store.writeIngress(tx -> tx.emailTemplates().insert(elsewhere)).get(), "another workspace may");
        assertEquals(Optional.of(welcome), store.read(tx -> tx.emailTemplates().find("acme", "t-1")).get());
        assertEquals(Optional.empty(), store.read(tx -> tx.emailTemplates().find("other", "t-1")).get());

        var renamed = new EmailTemplateRow("t-1", "acme", "hello", "s2", "b2", Optional.empty(), Optional.of("p"),
                Optional.empty(), List.of(), NOW, NOW.plusSeconds(60));
        store.writeIngress(tx -> {
            tx.emailTemplates().update(renamed);
            return null;
        }).get();
        assertEquals(Optional.of(renamed), store.read(tx -> tx.emailTemplates().findByName("acme", "hello")).get());
        var recent = new ModifiedWindow(Optional.of(NOW.plusSeconds(1)), Optional.empty(), 10, 0);
        assertEquals(List.of("t-1"), store.read(tx -> tx.emailTemplates().list("acme", recent)).get().stream()
                .map(EmailTemplateRow::id).toList());
        var old = new ModifiedWindow(Optional.empty(), Optional.of(NOW), 10, 0);
        assertEquals(List.of(), store.read(tx -> tx.emailTemplates().list("acme", old)).get());
    }

    @Test
    void contentBlocksAreKeptPerWorkspaceWithUniqueNamesAndPaged() throws Exception {
        for (int i = 0; i < 5; i++) {
            var b = new ContentBlockRow("b-" + i, "acme", "block" + i, Optional.of("d"), "content " + i, "active",
                    List.of(), NOW.plusSeconds(i), NOW.plusSeconds(i));
            assertTrue(store.writeIngress(tx -> tx.contentBlocks().insert(b)).get());
        }
        var dup = new ContentBlockRow("b-9", "acme", "block1", Optional.empty(), "c", "draft", List.of(), NOW, NOW);
        assertFalse(store.writeIngress(tx -> tx.contentBlocks().insert(dup)).get());
        assertEquals("content 3", store.read(tx -> tx.contentBlocks().findByName("acme", "block3")).get()
                .orElseThrow().content());
        var page = new ModifiedWindow(Optional.empty(), Optional.empty(), 2, 1);
        assertEquals(List.of("b-1", "b-2"), store.read(tx -> tx.contentBlocks().list("acme", page)).get().stream()
                .map(ContentBlockRow::id).toList());
        var edited = new ContentBlockRow("b-0", "acme", "block0", Optional.empty(), "new", "active", List.of("t"),
                NOW, NOW.plusSeconds(99));
        store.writeIngress(tx -> {
            tx.contentBlocks().update(edited);
            return null;
        }).get();
        assertEquals(Optional.of(edited), store.read(tx -> tx.contentBlocks().find("acme", "b-0")).get());
    }

    @Test
    void writesAfterCloseFailCleanly() throws Exception {
        store.close();
        var e = assertThrows(ExecutionException.class, () -> store.writeIngress(tx -> null).get());
        assertInstanceOf(StoreUnavailableException.class, e.getCause());
        store.close();
    }

    /** Blocks a store thread until released (the SQLite engine's tests hold its writer with it). */
    protected static Void await(CountDownLatch latch) throws SQLException {
        try {
            latch.await();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
    }
}
