package dev.herald.gateway.delivery;

import dev.herald.config.DeliveryConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.binding.ChannelSenders;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.template.TemplateEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler, in three parts: the claim loop here (one write per cycle: expand dispatches whose time has come,
 * then claim due deliveries lane by lane, see {@link LaneClaimer}), {@link Attempts} (prepare → send → outcome)
 * and the {@link OutcomeRecorder} (the outcome, its directory effect and its listeners in one transaction). At
 * most {@code delivery.max_in_flight} attempts run at once.
 *
 * <p>{@link #start()} runs the loop on its own thread, woken by {@link #wake()} and otherwise polling every
 * {@code delivery.poll_interval} (and at once when another node announces new work); tests instead step it with
 * {@link #runOnce()} on their injected clock. How claims are held is the store's: in memory on SQLite, leased on a
 * shared PostgreSQL journal, where several nodes' engines run side by side and never take the same delivery.
 */
public final class DeliveryEngine implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(DeliveryEngine.class);
    /**
     * The most one cycle claims. Cycles run one after another, each a turn of the single writer (tens of milliseconds
     * under load), so this bounds deliveries per second: at 256 a push benchmark delivered at most about 256 per
     * turn while the APNs sender had streams free.
     */
    private static final int MAX_CLAIM = 1024;
    private static final int DISPATCHES_PER_CYCLE = 8;
    /**
     * How long the loop lets freed capacity gather before a claim for less than {@link #claimBatch} (see
     * {@link #run}).
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long the loop goes without looking for dispatches to expand, while the last look found none. */
    private static final long EXPANSION_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** What one cycle did. */
    public record Cycle(int expanded, int claimed, CompletableFuture<Void> settled) {
        /** Whether it found nothing to do. */
        public boolean idle() {
            return expanded == 0 && claimed == 0;
        }
    }

    private record Work(int expanded, List<Claim> claimed) {
    }

    private final Store store;
    private final Expander expander;
    private final LaneClaimer claimer;
    private final Attempts attempts;
    private final OutcomeRecorder recorder;
    private final Function<String, Optional<WorkspaceConfig>> workspaces;
    private final DeliveryConfig config;
    private final Clock clock;
    private final InFlight inFlight = new InFlight();
    private final Object cycleLock = new Object();
    private final Thread loop;
    private volatile boolean parked;
    private volatile boolean running = true;
    private volatile boolean claiming = true;

    private DeliveryEngine(Builder b) {
        this.store = b.store;
        this.workspaces = b.workspaces;
        this.config = b.config;
        this.clock = b.clock;
        this.expander = new Expander(b.clock, b.listeners);
        this.recorder = new OutcomeRecorder(b.store, OutcomeListener.all(List.of(b.listeners,
                new DeliveryMetrics(b.registry), new DeliveryLog())), b.clock);
        this.attempts = new Attempts(b.store, b.senders, b.workspaces, b.templates, b.publicUrl,
                new Outcomes(b.retryPolicy), recorder, b.clock, this::wake);
        // Sandboxes reach no provider, so their sends need no egress permits.
        this.claimer = new LaneClaimer(b.governor, id -> b.workspaces.apply(id).map(WorkspaceConfig::sandbox)
                .orElse(false), b.listeners, b.registry);
        Gauge.builder("herald.deliveries.in_flight", inFlight.counter(), AtomicInteger::get)
                .description("delivery attempts running now").register(b.registry);
        this.loop = Thread.ofPlatform().name("herald-scheduler").unstarted(this::run);
    }

    /** An engine to assemble. */
    public static Builder builder() {
        return new Builder();
    }

    /** The expander the engine uses, with its listeners (the accept path expands listed recipients at once). */
    public Expander expander() {
        return expander;
    }

    /** Makes interrupted deliveries due again, then starts the loop on its own thread. */
    public void start() {
        int requeued = store.write(tx -> tx.deliveries().requeueInterrupted(clock.instant())).join();
        if (requeued > 0) {
            logger.info("{} deliveries interrupted by the previous stop are due again", requeued);
        }
        loop.start();
    }

    /** Tells the loop there may be new due work (a new dispatch, a finished attempt). */
    public void wake() {
        if (parked) { // saves a futex call per accept while the loop is busy anyway
            LockSupport.unpark(loop);
        }
    }

    /** Whether an attempt of this delivery is running now (the status API shows it as {@code sending}). */
    public boolean isSending(UUID deliveryId) {
        return inFlight.contains(deliveryId);
    }

    /** Attempts running now. */
    public int inFlight() {
        return inFlight.count();
    }

    /**
     * The loop. Under load every finished attempt frees room (a slot, an egress key's permit) and wakes it; a cycle
     * per freed slot would make the single writer run the claim's queries (which workspaces and keys have work, the
     * due rows past those in flight) once per delivery. So after a cycle that claimed fewer than a batch
     * ({@link #claimBatch}, an eighth of {@code max_in_flight}, at most 32) the next waits up to
     * {@link #LINGER_NANOS} for room to gather; after a full batch it runs at once, and an idle engine claims at
     * once. Dispatches due for expansion (schedules, broadcast pages) are looked for every cycle while there are
     * some, else every {@link #EXPANSION_LOOK_NANOS} or poll, whichever is sooner: a dispatch accepted for now is
     * written expanded, so only timed work waits for that look.
     */
    private void run() {
        long pollNanos = config.pollInterval().toNanos();
        long lastCycle = System.nanoTime() - LINGER_NANOS;
        long lastExpansionLook = lastCycle;
        boolean lookNext = true; // the next cycle looks for dispatches to expand whatever the time since the last look
        int lastClaimed = 0;
        while (running) {
            try {
                long sinceCycle = System.nanoTime() - lastCycle;
                // The last cycle took fewer than a batch though there was work: the room (free slots, or what the
                // egress keys admit) was the limit, so let it gather a little before the next claim.
                if (claiming && lastClaimed > 0 && lastClaimed < claimBatch() && sinceCycle < LINGER_NANOS) {
                    parked = true;
                    LockSupport.parkNanos(this, LINGER_NANOS - sinceCycle);
                    parked = false;
                    continue;
                }
                lastCycle = System.nanoTime();
                boolean expand = lookNext || lastCycle - lastExpansionLook >= EXPANSION_LOOK_NANOS;
                if (expand) {
                    lastExpansionLook = lastCycle;
                }
                Cycle cycle = claiming ? cycle(expand) : new Cycle(0, 0, CompletableFuture.completedFuture(null));
                lookNext = cycle.expanded() > 0; // some were due: more may be
                lastClaimed = cycle.claimed();
                if (cycle.idle() && !expand) {
                    lookNext = true; // nothing to claim: look before parking
                    continue;
                }
                if (cycle.idle() || inFlight.count() >= config.maxInFlight()) {
                    parked = true;
                    LockSupport.parkNanos(this, pollNanos);
                    parked = false;
                    lookNext = true; // a poll always looks
                }
            } catch (RuntimeException e) {
                logger.error("scheduler cycle failed; retrying in 1 s: {}", e.toString());
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /** The free slots worth a claim of their own while attempts are running. */
    private int claimBatch() {
        return Math.max(1, Math.min(32, config.maxInFlight() / 8));
    }

    /**
     * One cycle, in one write (one group commit, not two): expands dispatches whose time has come (schedules, and
     * broadcasts one page at a time, so a large audience never holds the writer for long), then claims due work up
     * to the free capacity and starts an attempt for each. Safe to call from any thread; cycles never overlap.
     *
     * @return what it did; {@link Cycle#settled()} completes when the attempts it started are recorded
     */
    public Cycle runOnce() {
        return cycle(true);
    }

    private Cycle cycle(boolean expand) {
        Work work;
        synchronized (cycleLock) {
            int capacity = Math.min(MAX_CLAIM, config.maxInFlight() - inFlight.count());
            Instant now = clock.instant();
            try {
                work = store.write(tx -> new Work(expand ? expandDue(tx, now) : 0,
                        capacity > 0 ? claimer.claim(tx, now, capacity) : List.of())).get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Cycle(0, 0, CompletableFuture.completedFuture(null));
            } catch (Exception e) {
                throw new IllegalStateException("expanding and claiming due work failed: " + e.getMessage(), e);
            }
        }
        List<CompletableFuture<?>> started = new ArrayList<>(work.claimed().size());
        for (Claim c : work.claimed()) {
            started.add(attempt(c));
        }
        return new Cycle(work.expanded(), work.claimed().size(),
                CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)));
    }

    private int expandDue(StoreTx tx, Instant now) throws SQLException {
        int n = 0;
        for (DispatchRow d : tx.dispatches().dueForExpansion(now, DISPATCHES_PER_CYCLE)) {
            Optional<WorkspaceConfig> ws = workspaces.apply(d.workspace());
            if (ws.isEmpty()) {
                tx.dispatches().markExpanded(d.id(), now); // its workspace is gone: nothing to send
            } else {
                expand(tx, d, ws.get(), now);
            }
            n++;
        }
        return n;
    }

    private void expand(StoreTx tx, DispatchRow d, WorkspaceConfig ws, Instant now) throws SQLException {
        Optional<DispatchSpec> spec = d.readableSpec();
        if (spec.isEmpty()) {
            // One dispatch this Herald cannot read must not stop every cycle: it is closed with nothing sent.
            logger.error("dispatch {} (spec version {}) cannot be read by this Herald and is not sent", d.id(),
                    d.stored().version());
            tx.dispatches().markExpanded(d.id(), now);
        } else if (spec.get().broadcast()) {
            expander.expandPage(tx, d, spec.get(), ws);
        } else {
            expander.expand(tx, d, spec.get(), ws);
        }
    }

    private CompletableFuture<@Nullable Void> attempt(Claim claim) {
        UUID id = claim.delivery().delivery().id();
        inFlight.begin(id);
        CompletableFuture<Boolean> recorded;
        try {
            recorded = attempts.run(claim);
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        return recorded.handle((ok, failure) -> {
            claim.permit().release(); // nothing was sent, or the answer was already judged
            inFlight.end(id);
            if (failure != null) {
                store.abandon(claim.delivery().token());
                logger.error("could not record the outcome of delivery {}; it is sent again (after a restart, or once "
                        + "its lease lapses on a shared store): {}", id, Attempts.rootMessage(failure));
            }
            wake();
            return null;
        });
    }

    /** Stops claiming new work; attempts already running continue. */
    public void stopClaiming() {
        claiming = false;
        LockSupport.unpark(loop);
    }

    /** Waits until no attempt is running; false if the timeout passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return inFlight.awaitIdle(timeout);
    }

    @Override
    public void close() {
        running = false;
        claiming = false;
        LockSupport.unpark(loop);
        if (loop.isAlive()) {
            try {
                loop.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        recorder.close();
    }

    /** Assembles an engine; store, senders, workspaces, templates and clock are required. */
    public static final class Builder {
        private @Nullable Store store;
        private @Nullable ChannelSenders senders;
        private @Nullable Function<String, Optional<WorkspaceConfig>> workspaces;
        private @Nullable TemplateEngine templates;
        private @Nullable Clock clock;
        private DeliveryConfig config = DeliveryConfig.defaults();
        private @Nullable RetryPolicy retryPolicy;
        private Optional<URI> publicUrl = Optional.empty();
        private OutcomeListener listeners = OutcomeListener.NONE;
        private @Nullable EgressGovernor governor;
        private MeterRegistry registry = new SimpleMeterRegistry();

        private Builder() {
        }

        /** The journal. */
        public Builder store(Store v) {
            store = v;
            return this;
        }

        /** Every channel's senders. */
        public Builder senders(ChannelSenders v) {
            senders = v;
            return this;
        }

        /** The workspace configuration in force (it can change with a reload). */
        public Builder workspaces(Function<String, Optional<WorkspaceConfig>> v) {
            workspaces = v;
            return this;
        }

        /** Renders templates. */
        public Builder templates(TemplateEngine v) {
            templates = v;
            return this;
        }

        /** The time source. */
        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        /** Age limit, backoff, in-flight limit, poll interval. */
        public Builder config(DeliveryConfig v) {
            config = v;
            return this;
        }

        /** When a retry is due; by default the config's backoff with random jitter. */
        public Builder retryPolicy(RetryPolicy v) {
            retryPolicy = v;
            return this;
        }

        /** Where providers reach Herald's callbacks. */
        public Builder publicUrl(Optional<URI> v) {
            publicUrl = v;
            return this;
        }

        /** What hears of every change of state, in the transaction that writes it. */
        public Builder listeners(OutcomeListener v) {
            listeners = v;
            return this;
        }

        /** Protects egress keys; by default the channels' limits with the default breaker. */
        public Builder governor(EgressGovernor v) {
            governor = v;
            return this;
        }

        /** Where the engine's meters are registered. */
        public Builder registry(MeterRegistry v) {
            registry = v;
            return this;
        }

        /** The engine, not yet started. */
        public DeliveryEngine build() {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(senders, "senders");
            Objects.requireNonNull(workspaces, "workspaces");
            Objects.requireNonNull(templates, "templates");
            Objects.requireNonNull(clock, "clock");
            if (retryPolicy == null) {
                retryPolicy = new RetryPolicy(config, java.util.random.RandomGenerator.getDefault());
            }
            if (governor == null) {
                governor = new EgressGovernor(EgressLimits.defaults(), EgressGovernor.Settings.defaults(), clock,
                        EgressGovernor.nanoTimeOf(clock), registry);
            }
            return new DeliveryEngine(this);
        }
    }
}
