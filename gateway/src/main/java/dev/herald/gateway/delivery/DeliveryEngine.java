package dev.herald.gateway.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.channel.Channel;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.sms.TwilioSmsSender;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.events.Postbacks;
import dev.herald.gateway.http.Json;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DeliveryStatus;
import dev.herald.gateway.store.DeliveryUpdate;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import dev.herald.gateway.template.TemplateEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: one thread claims due deliveries lane by lane (by weight, so transactional work is served
 * first and bulk last without starving it; workspaces round-robin within a lane; only egress keys the
 * {@link EgressGovernor} admits, see {@link LaneClaimer}), starts an attempt for each without blocking, and
 * records each outcome in the journal. At most {@code delivery.max_in_flight} attempts run at once. Claims are
 * held by this process alone: at start, anything a previous process left {@code sending} is due again.
 */
public final class DeliveryEngine implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(DeliveryEngine.class);
    private static final int MAX_CLAIM = 256;
    private static final Duration PROFILE_READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(2);

    private final Store store;
    private final Senders senders;
    private final Function<String, Optional<WorkspaceConfig>> workspaces;
    private final EarlyReceipts receipts;
    private final Expander expander;
    private final Postbacks postbacks;
    private final Runnable onEvents;
    private final DeliveryConfig config;
    private final Clock clock;
    private final Outcomes outcomes;
    private final MessageFactory messages;
    private final TemplateEngine templates;
    private final LaneClaimer claimer;
    private final DeliveryMetrics metrics;
    private final Cache<String, JsonNode> requests = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(5)).build();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final java.util.Set<java.util.UUID> sending = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean parked;
    private final Object idle = new Object();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon(true).name("herald-outcome-retry").factory());
    private final Thread loop;
    private volatile boolean running = true;
    private volatile boolean claiming = true;

    /**
     * An engine over the store and senders whose sends {@code governor} admits per egress key, counting
     * {@code herald.deliveries} and {@code herald.deliveries.in_flight} in {@code registry}; {@link #start()}
     * begins claiming.
     *
     * @param workspaces the workspace configuration in force (it can change with a reload)
     * @param onEvents   called after outcomes that added outbox events (wakes the publisher)
     * @param receipts   SMS status reports that arrived before the outcome naming their message id
     */
    public DeliveryEngine(Store store, Senders senders, Function<String, Optional<WorkspaceConfig>> workspaces,
                          DeliveryConfig config, RetryPolicy retryPolicy, TemplateEngine templates,
                          Optional<java.net.URI> publicUrl, Expander expander, Postbacks postbacks, Runnable onEvents,
                          Clock clock, EgressGovernor governor, MeterRegistry registry, EarlyReceipts receipts) {
        this.store = store;
        this.receipts = receipts;
        this.expander = expander;
        this.postbacks = postbacks;
        this.onEvents = onEvents;
        this.templates = templates;
        this.messages = new MessageFactory(templates, publicUrl);
        this.senders = senders;
        this.workspaces = workspaces;
        this.config = config;
        this.clock = clock;
        this.outcomes = new Outcomes(retryPolicy);
        // Sandboxes reach no provider, so their sends need no egress permits.
        this.claimer = new LaneClaimer(governor, id -> workspaces.apply(id).map(WorkspaceConfig::sandbox).orElse(false),
                registry);
        this.metrics = new DeliveryMetrics(registry);
        Gauge.builder("herald.deliveries.in_flight", inFlight, AtomicInteger::get)
                .description("delivery attempts running now").register(registry);
        this.loop = Thread.ofPlatform().name("herald-scheduler").unstarted(this::run);
    }

    /** Makes interrupted deliveries due again, then starts the scheduler thread. */
    public void start() {
        int requeued = store.write(tx -> tx.deliveries().requeueInterrupted(clock.instant())).join();
        if (requeued > 0) {
            logger.info("{} deliveries interrupted by the previous stop are due again", requeued);
        }
        loop.start();
    }

    /** Tells the scheduler there may be new due work (a new dispatch, a finished attempt). */
    public void wake() {
        if (parked) { // saves a futex call per accept while the scheduler is busy anyway
            LockSupport.unpark(loop);
        }
    }

    /** Whether an attempt of this delivery is running now (the status API shows it as {@code sending}). */
    public boolean isSending(java.util.UUID deliveryId) {
        return sending.contains(deliveryId);
    }

    /** Attempts running now. */
    public int inFlight() {
        return inFlight.get();
    }

    private void run() {
        long pollNanos = config.pollInterval().toNanos();
        while (running) {
            try {
                int started = claiming ? cycle() : 0;
                if (started == 0 || inFlight.get() >= config.maxInFlight()) {
                    parked = true;
                    LockSupport.parkNanos(this, pollNanos);
                    parked = false;
                }
            } catch (RuntimeException e) {
                logger.error("scheduler cycle failed; retrying in 1 s: {}", e.toString());
                LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    /** What one scheduler cycle did: dispatches expanded and deliveries claimed. */
    private record Cycle(int expanded, List<Claim> claimed) {
    }

    /**
     * One scheduler cycle, in one write (one group commit, not two): expands dispatches whose time has come
     * (schedules, and broadcasts one page at a time, so a large audience never holds the writer for long), then
     * claims due work up to the free capacity and starts an attempt for each. Returns how much it did.
     */
    int cycle() {
        int capacity = Math.min(MAX_CLAIM, config.maxInFlight() - inFlight.get());
        Instant now = clock.instant();
        Cycle done;
        try {
            done = store.write(tx -> new Cycle(expandDue(tx, now),
                    capacity > 0 ? claimer.claim(tx, now, capacity) : List.of())).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            throw new IllegalStateException("expanding and claiming due work failed: " + e.getMessage(), e);
        }
        for (Claim c : done.claimed()) {
            attempt(c);
        }
        return done.expanded() + done.claimed().size();
    }

    private int expandDue(StoreTx tx, Instant now) throws SQLException {
        int n = 0;
        for (DispatchRow d : tx.dispatches().dueForExpansion(now, 8)) {
            Optional<WorkspaceConfig> ws = workspaces.apply(d.workspace());
            JsonNode request = Json.parseOrEmpty(d.request());
            if (ws.isEmpty()) {
                tx.dispatches().markExpanded(d.id(), now); // its workspace is gone: nothing to send
            } else if (dev.herald.gateway.api.Dispatching.isBroadcast(request)) {
                expander.expandPage(tx, d, request, ws.get());
            } else {
                expander.expand(tx, d, request, ws.get());
            }
            n++;
        }
        return n;
    }

    private void attempt(Claim claim) {
        ClaimedDelivery c = claim.delivery();
        EgressPermit permit = claim.permit();
        inFlight.incrementAndGet();
        sending.add(c.delivery().id());
        WorkspaceConfig ws = workspaces.apply(c.delivery().workspace()).orElse(null);
        CompletableFuture<Outcomes.Write> flow;
        try {
            if (ws == null) {
                throw new UnsendableException("workspace " + c.delivery().workspace() + " is no longer configured");
            }
            JsonNode request = request(c);
            flow = templates.run(() -> messages.build(c, request, ws, this::profileOf))
                    .exceptionally(e -> {
                        if (root(e) instanceof ProfileUnavailable unavailable) {
                            throw unavailable; // the store's trouble, not the message's: retried like a send
                        }
                        return new Prepared.Unsendable("rendering failed: " + rootMessage(e));
                    })
                    .thenCompose(prepared -> switch (prepared) {
                        case Prepared.Ready ready -> send(ws, c, ready.message(), permit);
                        case Prepared.Abort abort -> {
                            metrics.ended(c.delivery().channel(), "aborted");
                            yield CompletableFuture.completedFuture(new Outcomes.Write(
                                    terminal(c, DeliveryStatus.ABORTED, abort.reason()), Optional.empty()));
                        }
                        case Prepared.Unsendable u -> {
                            metrics.ended(c.delivery().channel(), "unsendable");
                            yield CompletableFuture.completedFuture(outcomes.write(c.delivery(),
                                    new SendOutcome.Failed(u.reason()), clock.instant(), Optional.empty()));
                        }
                    });
        } catch (UnsendableException e) {
            flow = CompletableFuture.completedFuture(outcomes.write(c.delivery(), new SendOutcome.Failed(e.getMessage()),
                    clock.instant(), Optional.empty()));
        } catch (RuntimeException e) {
            flow = CompletableFuture.failedFuture(e);
        }
        flow.orTimeout(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((write, failure) -> write != null ? write : outcomes.write(c.delivery(),
                        SendOutcome.Retry.of("attempt failed: " + rootMessage(failure)), clock.instant(),
                        Optional.empty()))
                .thenCompose(write -> record(c, write, 1))
                .whenComplete((recorded, failure) -> finished(c, permit, failure));
    }

    /** The recipient's profile as it is now, read on the calling render thread (never the store's writer). */
    private Optional<UserRow> profileOf(DeliveryRow d) {
        if (d.userId().isEmpty()) {
            return Optional.empty();
        }
        long id = d.userId().get();
        try {
            return store.read(tx -> tx.users().byId(id)).get(PROFILE_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProfileUnavailable("interrupted while reading the recipient's profile");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ProfileUnavailable("the recipient's profile could not be read: " + rootMessage(e));
        }
    }

    /** The recipient's profile could not be read for a template: the attempt is retried later. */
    private static final class ProfileUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProfileUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** Sends a ready message; the sandbox's rendered payload is kept for the status API. */
    private CompletableFuture<Outcomes.Write> send(WorkspaceConfig ws, ClaimedDelivery c, OutboundMessage message,
                                                   EgressPermit permit) {
        Optional<String> detail = ws.sandbox() ? Optional.of(Payloads.describe(message)) : Optional.empty();
        CompletionStage<SendOutcome> sent;
        try {
            sent = senders.send(ws, c.delivery(), message);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.toCompletableFuture()
                .handle((outcome, failure) -> outcome != null ? outcome
                        : SendOutcome.Retry.of("attempt failed: " + rootMessage(failure)))
                .thenApply(outcome -> {
                    permit.finish(outcome);
                    metrics.attempted(c.delivery().channel(), outcome);
                    Outcomes.Write write = outcomes.write(c.delivery(), outcome, clock.instant(), detail);
                    if (message instanceof SmsMessage sms && outcome instanceof SendOutcome.Failed f
                            && f.cause() == SendOutcome.Failed.Cause.RECIPIENT_OPTED_OUT
                            && c.delivery().userId().isPresent()) {
                        // The recipient replied STOP: Twilio refuses until they opt in again, so the directory
                        // records it and later sends to the group skip them.
                        String group = groupOf(c);
                        write = new Outcomes.Write(write.update(), Optional.of(
                                new DirectoryEffect.Unsubscribed(c.delivery().userId().get(), group)));
                    }
                    return write;
                });
    }

    private String groupOf(ClaimedDelivery c) {
        try {
            return request(c).path("messages").path("sms").path("subscription_group_id").asText("");
        } catch (UnsendableException e) {
            return "";
        }
    }

    private static DeliveryUpdate terminal(ClaimedDelivery c, DeliveryStatus status, String reason) {
        return new DeliveryUpdate(c.delivery().id(), status, Optional.empty(), Optional.of(reason), Optional.empty(),
                Optional.empty());
    }

    private JsonNode request(ClaimedDelivery c) throws UnsendableException {
        JsonNode cached = requests.getIfPresent(c.delivery().dispatchId());
        if (cached != null) {
            return cached;
        }
        try {
            JsonNode parsed = Json.parse(c.request());
            requests.put(c.delivery().dispatchId(), parsed);
            return parsed;
        } catch (JsonProcessingException e) {
            throw new UnsendableException("the stored request is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The dispatch's request (parsed once per dispatch, not per recipient), or an empty object if unreadable. */
    private JsonNode requestOrEmpty(ClaimedDelivery c) {
        try {
            return request(c);
        } catch (UnsendableException e) {
            return Json.object();
        }
    }

    /** Writes an outcome; a store that cannot commit is retried a few times before the restart path takes over. */
    private CompletableFuture<Boolean> record(ClaimedDelivery c, Outcomes.Write write, int attempt) {
        return store.write(tx -> {
                    Instant now = clock.instant();
                    boolean recorded = tx.deliveries().recordAttempt(write.update(), now);
                    if (recorded && write.effect().isPresent()) {
                        write.effect().get().apply(tx, now);
                    }
                    if (recorded) {
                        postbacks.record(tx, c.dispatchKind(), requestOrEmpty(c), c.delivery(),
                                DeliveryStatus.QUEUED, write.update().status(), write.update().lastError());
                    }
                    if (recorded && c.delivery().channel() == Channel.SMS
                            && write.update().providerMessageId().isPresent()) {
                        receipts.release(tx, c.delivery().workspace(), write.update().providerMessageId().get(), now);
                    }
                    return recorded;
                })
                .thenApply(recorded -> {
                    if (c.dispatchKind().equals(Postbacks.TRANSACTIONAL)) {
                        onEvents.run();
                    }
                    return recorded;
                })
                .exceptionallyCompose(failure -> {
                    if (attempt >= 5 || !running) {
                        return CompletableFuture.failedFuture(failure);
                    }
                    CompletableFuture<Boolean> next = new CompletableFuture<>();
                    retries.schedule(() -> record(c, write, attempt + 1).whenComplete((r, e) -> {
                        if (e != null) {
                            next.completeExceptionally(e);
                        } else {
                            next.complete(r);
                        }
                    }), attempt, TimeUnit.SECONDS);
                    return next;
                });
    }

    private void finished(ClaimedDelivery c, EgressPermit permit, Throwable failure) {
        permit.release(); // nothing was sent (or the answer was already judged)
        sending.remove(c.delivery().id());
        if (failure != null) {
            logger.error("could not record the outcome of delivery {}; it stays 'sending' and is retried at the next "
                    + "start: {}", c.delivery().id(), rootMessage(failure));
        }
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
        wake();
    }

    private static String rootMessage(Throwable t) {
        Throwable cur = root(t);
        return cur == null ? "unknown" : cur.toString();
    }

    private static Throwable root(Throwable t) {
        Throwable cur = t;
        while (cur instanceof CompletionException && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    /** Stops claiming new work; attempts already running continue. */
    public void stopClaiming() {
        claiming = false;
        LockSupport.unpark(loop);
    }

    /** Waits until no attempt is running; false if the timeout passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        claiming = false;
        LockSupport.unpark(loop);
        try {
            loop.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retries.shutdownNow();
    }
}
