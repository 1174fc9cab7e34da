package dev.herald.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.SendOutcome;
import dev.herald.channel.WebhookMessage;
import dev.herald.channel.testkit.ScriptedSender;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.StoreConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.binding.ChannelSenders;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.DispatchStatus;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.ScheduleSpec;
import dev.herald.gateway.model.WebhookSpec;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.JdbcTx;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.sqlite.SqliteStore;
import dev.herald.gateway.template.TemplateEngine;
import dev.herald.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler against a real store and a scripted sender, stepped by the test: time moves only when it moves it. */
final class DeliveryEngineTest {
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    private static final RandomGenerator NO_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };
    private static final WorkspaceConfig ACME = WorkspaceConfig.of("acme", false, List.of());

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private final ScriptedSender<WebhookMessage> sender = new ScriptedSender<>();
    private final AtomicBoolean readsFail = new AtomicBoolean();
    private SqliteStore store;
    private DeliveryEngine engine;
    private TemplateEngine templates;

    @BeforeEach
    void start() {
        store = SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("h.db"), 100, Duration.ofDays(1)));
        var config = new DeliveryConfig(Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofMinutes(1), 16,
                Duration.ofMillis(20));
        templates = new TemplateEngine(TemplateEngine.Limits.defaults(), 2);
        engine = DeliveryEngine.builder().store(new FlakyReads(store, readsFail))
                .senders(ChannelSenders.webhookOnly(sender))
                .workspaces(id -> id.equals("acme") ? Optional.of(ACME) : Optional.empty())
                .config(config).retryPolicy(new RetryPolicy(config, NO_JITTER)).templates(templates).clock(clock)
                .build(); // not started: the test steps it
    }

    @AfterEach
    void stop() {
        engine.close();
        templates.close();
        store.close();
    }

    /** The engine's store, whose reads fail while {@code fail} is set: a journal that cannot be read for a while. */
    private record FlakyReads(Store delegate, AtomicBoolean fail) implements Store {
        @Override
        public <T> CompletableFuture<T> writeIngress(Work<T> work) {
            return delegate.writeIngress(work);
        }

        @Override
        public <T> CompletableFuture<T> write(Work<T> work) {
            return delegate.write(work);
        }

        @Override
        public <T> CompletableFuture<T> read(Work<T> work) {
            return fail.get() ? CompletableFuture.failedFuture(new IllegalStateException("disk gone"))
                    : delegate.read(work);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private String accept() throws Exception {
        return accept("b");
    }

    private String accept(String body) throws Exception {
        String id = Ids.dispatchId(clock);
        var spec = DispatchSpec.builder().recipients(List.of(RecipientSpec.of(new Recipient.ExternalId("u1"))))
                .messages(List.of(new WebhookSpec("http://hooks.example/x", "POST", Map.of(), body, Optional.empty())))
                .build();
        Instant now = clock.instant();
        var d = new NewDispatch(id, "acme", DispatchKind.MESSAGES_SEND, Lane.STANDARD, spec, now,
                now.plus(Duration.ofMinutes(10)), Optional.empty(), Optional.empty(), Optional.empty());
        store.writeIngress(tx -> {
            return engine.expander().expand(tx, tx.dispatches().insert(d, now), spec, ACME);
        }).get();
        return id;
    }

    /** One cycle, waiting until the attempts it started are recorded. */
    private DeliveryEngine.Cycle step() {
        DeliveryEngine.Cycle cycle = engine.runOnce();
        cycle.settled().join();
        return cycle;
    }

    private DeliveryRow row(String dispatch) throws Exception {
        return store.read(tx -> tx.deliveries().forDispatch(dispatch)).get().get(0);
    }

    @Test
    void aRetryWaitsForItsTimeOnTheInjectedClock() throws Exception {
        sender.thenAnswer(new SendOutcome.Retry("HTTP 503", Duration.ofSeconds(30)));
        String id = accept();
        assertEquals(1, step().claimed());
        DeliveryRow queued = row(id);
        assertEquals(DeliveryStatus.QUEUED, queued.status());
        assertEquals(1, queued.attempts());
        assertEquals(START.plusSeconds(30), queued.nextAttemptAt());

        clock.advance(Duration.ofSeconds(29));
        assertTrue(step().idle(), "nothing is due before its time");
        assertEquals(1, sender.received().size());

        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, step().claimed());
        DeliveryRow delivered = row(id);
        assertEquals(DeliveryStatus.DELIVERED, delivered.status());
        assertEquals(2, delivered.attempts());
        assertEquals(2, sender.received().size());
        assertEquals(sender.received().get(0).delivery().id(), sender.received().get(1).delivery().id());
        assertEquals(2, sender.received().get(1).delivery().attempt());
    }

    @Test
    void givesUpAtTheAgeLimit() throws Exception {
        sender.otherwise(new SendOutcome.Retry("HTTP 503", Duration.ofMinutes(4)));
        String id = accept();
        step();
        clock.advance(Duration.ofMinutes(4));
        step();
        assertEquals(2, row(id).attempts());
        clock.advance(Duration.ofMinutes(4));
        step();
        DeliveryRow expired = row(id);
        assertEquals(DeliveryStatus.EXPIRED, expired.status());
        assertEquals(3, expired.attempts());
    }

    @Test
    void aScheduledDispatchThisHeraldCannotReadIsClosedAndTheOthersAreSent() throws Exception {
        sender.otherwise(new SendOutcome.Accepted(Optional.empty(), true));
        Instant later = START.plusSeconds(60);
        String unreadable = schedule(later);
        String readable = schedule(later);
        store.write(tx -> {
            var ps = ((JdbcTx) tx).sql().prepare("UPDATE dispatch SET spec_version = 9 WHERE id = ?");
            ps.setString(1, unreadable);
            return ps.executeUpdate();
        }).get();
        clock.advance(Duration.ofSeconds(60));
        step();
        assertEquals(DispatchStatus.EXPANDED, store.read(tx -> tx.dispatches().find(unreadable)).get().orElseThrow()
                .status());
        assertEquals(List.of(), store.read(tx -> tx.deliveries().forDispatch(unreadable)).get());
        assertEquals(DeliveryStatus.DELIVERED, row(readable).status());
    }

    /** A dispatch for {@code at}, expanded by the engine when its time comes. */
    private String schedule(Instant at) throws Exception {
        String id = Ids.dispatchId(clock);
        var spec = DispatchSpec.builder().recipients(List.of(RecipientSpec.of(new Recipient.ExternalId("u1"))))
                .messages(List.of(new WebhookSpec("http://hooks.example/x", "POST", Map.of(), "b", Optional.empty())))
                .build();
        var d = new NewDispatch(id, "acme", DispatchKind.MESSAGES_SCHEDULE, Lane.STANDARD, spec, at,
                at.plus(Duration.ofMinutes(10)), Optional.empty(), Optional.empty(),
                Optional.of(new ScheduleSpec(at.toString(), false)));
        store.write(tx -> tx.dispatches().insert(d, clock.instant())).get();
        return id;
    }

    @Test
    void aSenderThatThrowsIsRetriedNotLost() throws Exception {
        sender.otherwise(m -> {
            throw new IllegalStateException("bug in sender");
        });
        String id = accept();
        step();
        DeliveryRow row = row(id);
        assertEquals(DeliveryStatus.QUEUED, row.status());
        assertEquals(1, row.attempts());
        assertEquals("attempt failed: java.lang.IllegalStateException: bug in sender", row.lastError().orElseThrow());
    }

    @Test
    void aProfileThatCannotBeReadForATemplateIsRetriedNotFailed() throws Exception {
        store.write(tx -> tx.users().create("acme", Optional.of("u1"), clock.instant())).get();
        sender.otherwise(new SendOutcome.Accepted(Optional.empty(), true));
        readsFail.set(true);
        String id = accept("hello {{${user_id}}}");
        step();
        DeliveryRow row = row(id);
        assertEquals(DeliveryStatus.QUEUED, row.status());
        assertTrue(row.lastError().orElseThrow().contains("the recipient's profile could not be read"),
                row.lastError().orElseThrow());
        assertEquals(0, sender.received().size(), "nothing is sent without its profile");

        readsFail.set(false);
        clock.advance(Duration.ofMinutes(1));
        step();
        assertEquals(DeliveryStatus.DELIVERED, row(id).status());
        assertEquals("hello u1", sender.received().get(0).body());
    }
}
