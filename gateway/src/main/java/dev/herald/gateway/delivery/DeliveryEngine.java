package dev.herald.gateway.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.config.DeliveryConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.Json;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.DeliveryUpdate;
import dev.herald.gateway.store.Lane;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: one thread claims due deliveries lane by lane (by weight, so transactional work is served
 * first and bulk last without starving it), starts an attempt for each without blocking, and records each
 * outcome in the journal. At most {@code delivery.max_in_flight} attempts run at once. Claims are held by
 * this process alone: at start, anything a previous process left {@code sending} is due again.
 */
public final class DeliveryEngine implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(DeliveryEngine.class);
    private static final int MAX_CLAIM = 256;
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMinutes(2);

    private final Store store;
    private final Senders senders;
    private final Map<String, WorkspaceConfig> workspaces;
    private final DeliveryConfig config;
    private final Clock clock;
    private final Outcomes outcomes;
    private final MessageFactory messages = new MessageFactory();
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

    /** An engine over the store and senders; {@link #start()} begins claiming. */
    public DeliveryEngine(Store store, Senders senders, List<WorkspaceConfig> workspaces, DeliveryConfig config,
                          RetryPolicy retryPolicy, Clock clock) {
        this.store = store;
        this.senders = senders;
        this.workspaces = Map.copyOf(workspaces.stream().collect(
                java.util.stream.Collectors.toMap(WorkspaceConfig::id, w -> w)));
        this.config = config;
        this.clock = clock;
        this.outcomes = new Outcomes(retryPolicy);
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
                int started = claiming ? claimAndStart() : 0;
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

    /** Claims due work up to the free capacity and starts an attempt for each; returns how many. */
    int claimAndStart() {
        int capacity = Math.min(MAX_CLAIM, config.maxInFlight() - inFlight.get());
        if (capacity <= 0) {
            return 0;
        }
        Instant now = clock.instant();
        List<ClaimedDelivery> claimed;
        try {
            claimed = store.write(tx -> claimByLane(tx, now, capacity)).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            throw new IllegalStateException("claiming due deliveries failed: " + e.getMessage(), e);
        }
        for (ClaimedDelivery c : claimed) {
            attempt(c);
        }
        return claimed.size();
    }

    /** Each lane gets its weighted share of the capacity first; what a lane leaves unused goes to the others. */
    private static List<ClaimedDelivery> claimByLane(StoreTx tx, Instant now, int capacity) throws SQLException {
        int totalWeight = 0;
        for (Lane lane : Lane.values()) {
            totalWeight += lane.weight();
        }
        List<ClaimedDelivery> out = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            int share = Math.max(1, capacity * lane.weight() / totalWeight);
            int room = Math.min(share, capacity - out.size());
            if (room > 0) {
                out.addAll(tx.deliveries().claimDue(lane, now, room));
            }
        }
        for (Lane lane : Lane.values()) {
            int room = capacity - out.size();
            if (room <= 0) {
                break;
            }
            out.addAll(tx.deliveries().claimDue(lane, now, room));
        }
        return out;
    }

    private void attempt(ClaimedDelivery c) {
        inFlight.incrementAndGet();
        sending.add(c.delivery().id());
        Optional<String> detail = Optional.empty();
        CompletionStage<SendOutcome> attempt;
        WorkspaceConfig ws = workspaces.get(c.delivery().workspace());
        try {
            if (ws == null) {
                throw new UnsendableException("workspace " + c.delivery().workspace() + " is no longer configured");
            }
            OutboundMessage message = messages.build(c, request(c));
            if (ws.sandbox()) {
                detail = Optional.of(Payloads.describe(message));
            }
            attempt = senders.send(ws.sandbox(), message);
        } catch (UnsendableException e) {
            attempt = CompletableFuture.completedFuture(new SendOutcome.Failed(e.getMessage()));
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        Optional<String> kept = detail;
        attempt.toCompletableFuture()
                .orTimeout(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((outcome, failure) -> outcome != null ? outcome
                        : SendOutcome.Retry.of("attempt failed: " + rootMessage(failure)))
                .thenCompose(outcome -> record(outcomes.update(c.delivery(), outcome, clock.instant(), kept), 1))
                .whenComplete((recorded, failure) -> finished(c, failure));
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

    /** Writes an outcome; a store that cannot commit is retried a few times before the restart path takes over. */
    private CompletableFuture<Boolean> record(DeliveryUpdate update, int attempt) {
        return store.write(tx -> tx.deliveries().recordAttempt(update, clock.instant()))
                .exceptionallyCompose(failure -> {
                    if (attempt >= 5 || !running) {
                        return CompletableFuture.failedFuture(failure);
                    }
                    CompletableFuture<Boolean> next = new CompletableFuture<>();
                    retries.schedule(() -> record(update, attempt + 1).whenComplete((r, e) -> {
                        if (e != null) {
                            next.completeExceptionally(e);
                        } else {
                            next.complete(r);
                        }
                    }), attempt, TimeUnit.SECONDS);
                    return next;
                });
    }

    private void finished(ClaimedDelivery c, Throwable failure) {
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
        Throwable cur = t;
        while (cur instanceof CompletionException && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur == null ? "unknown" : cur.toString();
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
