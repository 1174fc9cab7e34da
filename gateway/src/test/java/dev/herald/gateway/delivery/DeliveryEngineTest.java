package dev.herald.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.WebhookMessage;
import dev.herald.channel.testkit.ScriptedSender;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.StoreConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.events.Postbacks;
import dev.herald.gateway.http.Json;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DeliveryStatus;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.Lane;
import dev.herald.gateway.store.NewDispatch;
import dev.herald.gateway.store.SqliteStore;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.template.TemplateEngine;
import dev.herald.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler against a real store and a scripted sender; time moves only when the test moves it. */
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

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private final ScriptedSender<WebhookMessage> sender = new ScriptedSender<>();
    private SqliteStore store;
    private final AtomicBoolean readsFail = new AtomicBoolean();
    private DeliveryEngine engine;
    private TemplateEngine templates;

    @BeforeEach
    void start() {
        store = SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("h.db"), 100, Duration.ofDays(1)));
        var config = new DeliveryConfig(Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofMinutes(1), 16,
                Duration.ofMillis(20));
        templates = new TemplateEngine(TemplateEngine.Limits.defaults(), 2);
        var acme = WorkspaceConfig.of("acme", false, List.of());
        java.util.function.Function<String, Optional<WorkspaceConfig>> workspaces =
                id -> id.equals("acme") ? Optional.of(acme) : Optional.empty();
        engine = new DeliveryEngine(new FlakyReads(store, readsFail), new Senders(sender), workspaces, config, new RetryPolicy(config, NO_JITTER),
                templates, Optional.empty(), new Expander(clock), new Postbacks(workspaces, clock, config.maxAge()),
                () -> { }, clock, new EgressGovernor(EgressLimits.from(List.of(acme)), EgressGovernor.Settings.defaults(),
                        clock, EgressGovernor.nanoTimeOf(clock), new SimpleMeterRegistry()), new SimpleMeterRegistry(),
                EarlyReceipts.NONE);
        engine.start();
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
        JsonNode request = Json.parse("""
                {"recipients":[{"external_user_id":"u1"}],
                 "messages":{"webhook":{"url":"http://hooks.example/x","request_method":"POST","request_headers":{},"body":%s}}}"""
                .formatted(Json.text(Json.MAPPER.getNodeFactory().textNode(body))));
        Instant now = clock.instant();
        var d = new NewDispatch(id, "acme", "messages.send", Lane.STANDARD, Json.text(request), now,
                now.plus(Duration.ofMinutes(10)), Optional.empty(), Optional.empty(), Optional.empty());
        var row = d.toRow(now);
        store.writeIngress(tx -> {
            tx.dispatches().insert(d, now);
            return new Expander(clock).expand(tx, row, request, WorkspaceConfig.of("acme", false, List.of()));
        }).get();
        engine.wake();
        return id;
    }

    private DeliveryRow awaitRow(String dispatch, Predicate<DeliveryRow> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        DeliveryRow row = null;
        while (System.nanoTime() < deadline) {
            row = store.read(tx -> tx.deliveries().forDispatch(dispatch)).get().get(0);
            if (until.test(row)) {
                return row;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("delivery never reached the expected state: " + row);
    }

    @Test
    void aRetryWaitsForItsTimeOnTheInjectedClock() throws Exception {
        sender.thenAnswer(new SendOutcome.Retry("HTTP 503", Duration.ofSeconds(30)));
        String id = accept();
        DeliveryRow queued = awaitRow(id, r -> r.status() == DeliveryStatus.QUEUED && r.attempts() == 1);
        assertEquals(START.plusSeconds(30), queued.nextAttemptAt());

        clock.advance(Duration.ofSeconds(29));
        engine.wake();
        Thread.sleep(200); // the scheduler polls every 20 ms: nothing may be sent before the time comes
        assertEquals(1, sender.received().size());

        clock.advance(Duration.ofSeconds(1));
        engine.wake();
        DeliveryRow delivered = awaitRow(id, r -> r.status() == DeliveryStatus.DELIVERED);
        assertEquals(2, delivered.attempts());
        assertEquals(2, sender.received().size());
        assertEquals(sender.received().get(0).delivery().id(), sender.received().get(1).delivery().id());
        assertEquals(2, sender.received().get(1).delivery().attempt());
    }

    @Test
    void givesUpAtTheAgeLimit() throws Exception {
        sender.otherwise(new SendOutcome.Retry("HTTP 503", Duration.ofMinutes(4)));
        String id = accept();
        awaitRow(id, r -> r.status() == DeliveryStatus.QUEUED && r.attempts() == 1);
        clock.advance(Duration.ofMinutes(4));
        engine.wake();
        awaitRow(id, r -> r.status() == DeliveryStatus.QUEUED && r.attempts() == 2);
        clock.advance(Duration.ofMinutes(4));
        engine.wake();
        DeliveryRow expired = awaitRow(id, r -> r.status() == DeliveryStatus.EXPIRED);
        assertEquals(3, expired.attempts());
    }

    @Test
    void aSenderThatThrowsIsRetriedNotLost() throws Exception {
        sender.otherwise(m -> {
            throw new IllegalStateException("bug in sender");
        });
        String id = accept();
        DeliveryRow row = awaitRow(id, r -> r.status() == DeliveryStatus.QUEUED && r.attempts() == 1);
        assertEquals("attempt failed: java.lang.IllegalStateException: bug in sender", row.lastError().orElseThrow());
    }

    @Test
    void aProfileThatCannotBeReadForATemplateIsRetriedNotFailed() throws Exception {
        store.write(tx -> tx.users().create("acme", Optional.of("u1"), clock.instant())).get();
        sender.otherwise(new SendOutcome.Accepted(Optional.empty(), true));
        readsFail.set(true);
        String id = accept("hello {{${user_id}}}");
        DeliveryRow row = awaitRow(id, r -> r.status() == DeliveryStatus.QUEUED && r.attempts() == 1);
        assertTrue(row.lastError().orElseThrow().contains("the recipient's profile could not be read"),
                row.lastError().orElseThrow());
        assertEquals(0, sender.received().size(), "nothing is sent without its profile");

        readsFail.set(false);
        clock.advance(Duration.ofMinutes(1));
        engine.wake();
        awaitRow(id, r -> r.status() == DeliveryStatus.DELIVERED);
        assertEquals("hello u1", sender.received().get(0).body());
    }
}
