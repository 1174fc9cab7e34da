package dev.herald.gateway.delivery;

import dev.herald.channel.SendOutcome;
import dev.herald.gateway.model.Lane;
import dev.herald.ratelimit.Limit;
import dev.herald.ratelimit.Permit;
import dev.herald.ratelimit.Policy;
import dev.herald.ratelimit.RateLimiter;
import dev.herald.ratelimit.RateLimiters;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protects each egress key (webhook host, SMTP relay, push credential, SMS sender) from Herald (DESIGN §5):
 * a concurrency limit, a circuit breaker (Resilience4j) and, for SMS senders, a messages-per-second bucket. A
 * key whose breaker opens, or whose provider answers {@code Throttled}, is paused: the claim path skips it and
 * parks its queued deliveries in one update ({@link #takeParks}). Of every key's permits (concurrency slots and
 * bucket rate) at least {@value #TRANSACTIONAL_RESERVE_PERCENT} % are kept for the transactional lane.
 *
 * <p>Thread-safe: claims may run on any thread (the store decides where its work runs), permits finish on any
 * thread. {@link #tryAcquire} is quick and never blocks (local buckets only; one key's admission is atomic). Time
 * comes from the injected clock (pauses, breakers) and nanosecond source (buckets), so tests move it.
 */
public final class EgressGovernor {
    /** The share of a key's permits that only the transactional lane may use. */
    static final int TRANSACTIONAL_RESERVE_PERCENT = 20;
    /** A transactional message's price in a sender's bucket. */
    static final long TOKENS_PER_MESSAGE = 4;
    /** What other lanes pay on top: 1 of 5 tokens, so they get at most 80 % of the sender's rate. */
    static final long RESERVE_TOKENS = 1;
    private static final Logger logger = LoggerFactory.getLogger(EgressGovernor.class);
    private static final Duration IDLE_EVICTION = Duration.ofHours(1);
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);

    /**
     * The circuit breaker of every key.
     *
     * @param slidingWindow      the last calls judged (count-based window)
     * @param minimumCalls       calls needed before the breaker may open
     * @param failureRatePercent the share of failed calls (provider-scope retries) that opens it
     * @param openFor            how long an open key stays paused before trial sends
     * @param halfOpenCalls      trial sends that decide between closing and opening again
     */
    public record Settings(int slidingWindow, int minimumCalls, float failureRatePercent, Duration openFor,
                           int halfOpenCalls) {
        public Settings {
            Objects.requireNonNull(openFor, "openFor");
            if (slidingWindow < 1 || minimumCalls < 1 || halfOpenCalls < 1) {
                throw new IllegalArgumentException("slidingWindow, minimumCalls and halfOpenCalls must be positive");
            }
            if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
                throw new IllegalArgumentException("failureRatePercent must be in (0, 100], was "
                        + failureRatePercent);
            }
            if (openFor.isNegative() || openFor.isZero()) {
                throw new IllegalArgumentException("openFor must be positive, was " + openFor);
            }
        }

        /** Opens at 50 % failures of the last 20 calls (at least 10), pauses 30 s, then tries 2 sends. */
        public static Settings defaults() {
            return new Settings(20, 10, 50, Duration.ofSeconds(30), 2);
        }
    }

    private volatile EgressLimits limits;
    private final Settings settings;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final MeterRegistry registry;
    private final CircuitBreakerConfig breakerConfig;
    private final RateLimiter<String> buckets;
    private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Park> parks = new ConcurrentLinkedQueue<>();
    private final Counter breakerPauses;
    private final Counter throttledPauses;
    private long nextSweepNanos;

    /** A governor; it closes nothing (its buckets live in memory). */
    public EgressGovernor(EgressLimits limits, Settings settings, Clock clock, LongSupplier nanoTime,
                          MeterRegistry registry) {
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.registry = registry;
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindow(settings.slidingWindow(), settings.minimumCalls(),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false) // the next claim tries it; no timer threads
                .clock(clock)
                .build();
        this.buckets = RateLimiters.local(nanoTime);
        this.breakerPauses = Counter.builder("herald.egress.pauses").tag("cause", "breaker_open")
                .description("egress keys paused").register(registry);
        this.throttledPauses = Counter.builder("herald.egress.pauses").tag("cause", "throttled")
                .description("egress keys paused").register(registry);
        this.nextSweepNanos = nanoTime.getAsLong() + SWEEP_INTERVAL.toNanos();
    }

    /**
     * Leave to start a send on {@code egressKey} from {@code lane}, or null when the key is paused, has no free
     * slot for the lane, its breaker refuses, or its sender's bucket is empty.
     */
    public @Nullable EgressPermit tryAcquire(String egressKey, Lane lane) {
        return keys.computeIfAbsent(egressKey, this::newState).tryAcquire(lane);
    }

    /**
     * How many more sends {@code egressKey} has slots for from {@code lane} now (its concurrency limit, the shared
     * part for lanes other than transactional), so a claim reads no more of its backlog than it can start. The
     * pause, breaker and rate still decide each send at {@link #tryAcquire}.
     */
    public int room(String egressKey, Lane lane) {
        KeyState s = keys.get(egressKey);
        if (s == null) {
            int limit = limits.concurrency(egressKey);
            return lane == Lane.TRANSACTIONAL ? limit : sharedSlots(limit);
        }
        int room = s.limit - s.inFlight.get();
        if (lane != Lane.TRANSACTIONAL) {
            room = Math.min(room, s.sharedLimit - s.sharedInFlight.get());
        }
        return Math.max(0, room);
    }

    /**
     * Applies new limits (a configuration reload: pool sizes, SMS rates) to every key at once, keeping what is
     * in flight and what each sender's bucket has spent.
     */
    public void reconfigure(EgressLimits newLimits) {
        this.limits = newLimits;
        keys.values().forEach(KeyState::readLimits);
    }

    /** The keys a claim on {@code lane} should skip now (paused, full, or their bucket empty). */
    public Set<String> blocked(Lane lane) {
        Instant now = clock.instant();
        long nanos = nanoTime.getAsLong();
        sweepIdle(now, nanos);
        Set<String> out = new HashSet<>();
        for (KeyState s : keys.values()) {
            if (s.blocks(lane, now, nanos)) {
                out.add(s.key);
            }
        }
        return out;
    }

    /** The parks requested since the last call, at most one per key (the latest). */
    public List<Park> takeParks() {
        Map<String, Park> byKey = new LinkedHashMap<>();
        Park p;
        while ((p = parks.poll()) != null) {
            byKey.merge(p.egressKey(), p, (a, b) -> a.until().isAfter(b.until()) ? a : b);
        }
        return List.copyOf(byKey.values());
    }

    /** The breaker state of a key ({@code CLOSED} for a key never used); for tests and the operator. */
    public CircuitBreaker.State breakerState(String egressKey) {
        KeyState s = keys.get(egressKey);
        return s == null ? CircuitBreaker.State.CLOSED : s.breaker.getState();
    }

    /** When a paused key may send again, if it is paused now. */
    public java.util.Optional<Instant> pausedUntil(String egressKey) {
        KeyState s = keys.get(egressKey);
        return s == null || !clock.instant().isBefore(s.pausedUntil) ? java.util.Optional.empty()
                : java.util.Optional.of(s.pausedUntil);
    }

    /**
     * Every key the governor holds state for (keys idle for an hour are dropped), in key order: a read-only snapshot
     * for the operator console.
     */
    public List<EgressHealth> health() {
        Instant now = clock.instant();
        return keys.values().stream().sorted(java.util.Comparator.comparing(s -> s.key)).map(s -> {
            boolean paused = now.isBefore(s.pausedUntil);
            ErrorSeen error = s.lastError;
            return new EgressHealth(s.key, s.breaker.getState().name().toLowerCase(java.util.Locale.ROOT),
                    paused ? java.util.Optional.of(s.pausedUntil) : java.util.Optional.empty(),
                    paused ? java.util.Optional.ofNullable(s.pauseReason) : java.util.Optional.empty(),
                    s.inFlight.get(), s.limit,
                    error == null ? java.util.Optional.empty() : java.util.Optional.of(error.reason()),
                    error == null ? java.util.Optional.empty() : java.util.Optional.of(error.at()));
        }).toList();
    }

    /** A provider answer that was not a success, kept per key for the operator. */
    private record ErrorSeen(String reason, Instant at) {
    }

    /** Sends of a key in flight now. */
    public int inFlight(String egressKey) {
        KeyState s = keys.get(egressKey);
        return s == null ? 0 : s.inFlight.get();
    }

    /**
     * A nanosecond source for buckets that follows {@code clock}: {@link System#nanoTime()} for the system clock
     * (monotonic), the clock's own time for any other (so a test's fake clock moves buckets too).
     */
    public static LongSupplier nanoTimeOf(Clock clock) {
        if (clock.equals(Clock.systemUTC())) {
            return System::nanoTime;
        }
        return () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    private KeyState newState(String key) {
        return new KeyState(key);
    }

    /** Drops the state of keys idle for an hour (webhook hosts come and go), with their gauges. */
    private synchronized void sweepIdle(Instant now, long nanos) {
        if (nanos - nextSweepNanos < 0) {
            return;
        }
        nextSweepNanos = nanos + SWEEP_INTERVAL.toNanos();
        keys.values().removeIf(s -> {
            boolean idle = s.inFlight.get() == 0 && s.breaker.getState() == CircuitBreaker.State.CLOSED
                    && !now.isBefore(s.pausedUntil) && nanos - s.lastUsedNanos > IDLE_EVICTION.toNanos();
            if (idle) {
                s.meters.forEach(registry::remove);
            }
            return idle;
        });
    }

    /** Slots for lanes other than transactional: the reserve comes off the top, but a single slot is shared. */
    static int sharedSlots(int limit) {
        return limit <= 1 ? limit : Math.max(1, limit * (100 - TRANSACTIONAL_RESERVE_PERCENT) / 100);
    }

    /**
     * A sender's bucket: {@value #TOKENS_PER_MESSAGE} tokens per message at {@code perSecond} messages a second,
     * holding max(1, ⌊perSecond⌋) messages plus the {@value #RESERVE_TOKENS} token other lanes pay on top.
     */
    static Limit bucket(double perSecond) {
        long capacity = Math.max(1, (long) Math.floor(perSecond)) * TOKENS_PER_MESSAGE + RESERVE_TOKENS;
        double tokensPerSecond = perSecond * TOKENS_PER_MESSAGE;
        return Limit.of(new Policy("mps", capacity, Duration.ofNanos(Math.round(capacity * 1e9 / tokensPerSecond))));
    }

    /** Everything known about one key. */
    private final class KeyState {
        final String key;
        volatile int limit;
        volatile int sharedLimit;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger sharedInFlight = new AtomicInteger();
        final CircuitBreaker breaker;
        volatile @Nullable Limit rate;
        final List<Meter> meters = new ArrayList<>();
        volatile Instant pausedUntil = Instant.MIN;
        volatile @Nullable String pauseReason;
        volatile @Nullable ErrorSeen lastError;
        volatile long rateBlockedUntil;
        volatile long sharedRateBlockedUntil;
        volatile long lastUsedNanos;

        KeyState(String key) {
            this.key = key;
            readLimits();
            long now = nanoTime.getAsLong();
            this.rateBlockedUntil = now;
            this.sharedRateBlockedUntil = now;
            this.lastUsedNanos = now;
            this.breaker = CircuitBreaker.of(key, breakerConfig);
            breaker.getEventPublisher().onStateTransition(e -> transitioned(e.getStateTransition().getToState()));
            meters.add(Gauge.builder("herald.egress.breaker.state", breaker, b -> stateCode(b.getState()))
                    .description("circuit breaker per egress key: 0 closed, 1 open, 2 half-open")
                    .tag("egress_key", key).register(registry));
            meters.add(Gauge.builder("herald.egress.in_flight", inFlight, AtomicInteger::get)
                    .description("sends in flight per egress key").tag("egress_key", key).register(registry));
        }

        void readLimits() {
            EgressLimits current = limits;
            int concurrency = current.concurrency(key);
            OptionalDouble perSecond = current.messagesPerSecond(key);
            sharedLimit = sharedSlots(concurrency);
            limit = concurrency;
            rate = perSecond.isPresent() ? bucket(perSecond.getAsDouble()) : null;
        }

        boolean blocks(Lane lane, Instant now, long nanos) {
            Limit rate = this.rate;
            boolean transactional = lane == Lane.TRANSACTIONAL;
            return now.isBefore(pausedUntil)
                    || inFlight.get() >= limit
                    || !transactional && sharedInFlight.get() >= sharedLimit
                    || rate != null && nanos - rateBlockedUntil < 0
                    || !transactional && rate != null && nanos - sharedRateBlockedUntil < 0;
        }

        synchronized @Nullable EgressPermit tryAcquire(Lane lane) {
            long nanos = nanoTime.getAsLong();
            lastUsedNanos = nanos;
            Instant now = clock.instant();
            if (blocks(lane, now, nanos)) {
                return null;
            }
            if (breaker.getState() == CircuitBreaker.State.OPEN && !now.isBefore(pausedUntil)) {
                breaker.transitionToHalfOpenState(); // the pause that parked the key is over: time for trials
            }
            if (!breaker.tryAcquirePermission()) {
                return null;
            }
            if (!takeTokens(lane, nanos)) {
                breaker.releasePermission();
                return null;
            }
            boolean shared = lane != Lane.TRANSACTIONAL;
            inFlight.incrementAndGet();
            if (shared) {
                sharedInFlight.incrementAndGet();
            }
            return new KeyPermit(this, shared, nanos);
        }

        /**
         * One bucket per sender; a transactional message costs 4 tokens and any other 5, so other lanes get at
         * most 80 % of the rate and always leave the transactional lane its share. A denial remembers when the
         * bucket could answer yes, so the claim skips the key until then. (A local bucket answers at once.)
         */
        private boolean takeTokens(Lane lane, long nanos) {
            Limit rate = this.rate;
            if (rate == null) {
                return true;
            }
            boolean transactional = lane == Lane.TRANSACTIONAL;
            long tokens = transactional ? TOKENS_PER_MESSAGE : TOKENS_PER_MESSAGE + RESERVE_TOKENS;
            if (buckets.tryAcquire(key, rate, tokens).toCompletableFuture().join() instanceof Permit.Denied d) {
                long until = nanos + d.retryAfter().toNanos();
                if (transactional) {
                    rateBlockedUntil = until;
                } else {
                    sharedRateBlockedUntil = until;
                }
                return false;
            }
            return true;
        }

        void pause(Instant until, String why) {
            synchronized (this) {
                if (!until.isAfter(pausedUntil)) {
                    return;
                }
                pausedUntil = until;
                pauseReason = why;
            }
            logger.warn("egress {} paused until {}: {}", key, until, why);
            parks.add(new Park(key, until));
        }

        private void transitioned(CircuitBreaker.State to) {
            switch (to) {
                case OPEN -> {
                    breakerPauses.increment();
                    var m = breaker.getMetrics();
                    pause(clock.instant().plus(settings.openFor()), "circuit breaker open after "
                            + m.getNumberOfFailedCalls() + " provider failures in the last "
                            + m.getNumberOfBufferedCalls() + " sends");
                }
                case CLOSED -> logger.info("egress {}: circuit breaker closed again; sending resumes", key);
                case HALF_OPEN -> logger.info("egress {}: circuit breaker half-open; trying {} sends", key,
                        settings.halfOpenCalls());
                default -> {
                    // disabled, forced-open and metrics-only states are never configured
                }
            }
        }
    }

    /** One slot of one key; ends once. */
    private final class KeyPermit implements EgressPermit {
        private final KeyState state;
        private final boolean shared;
        private final long startNanos;
        private final AtomicBoolean ended = new AtomicBoolean();

        KeyPermit(KeyState state, boolean shared, long startNanos) {
            this.state = state;
            this.shared = shared;
            this.startNanos = startNanos;
        }

        @Override
        public void finish(SendOutcome outcome) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            long elapsed = Math.max(0, nanoTime.getAsLong() - startNanos);
            CircuitBreaker breaker = state.breaker;
            String error = switch (outcome) {
                case SendOutcome.Retry r -> r.reason();
                case SendOutcome.Failed f -> f.reason();
                case SendOutcome.Throttled t -> "throttled: " + t.reason();
                // An accepted send or a dead address says nothing about the key's health.
                case SendOutcome.Accepted a -> null;
                case SendOutcome.AddressInvalid a -> null;
            };
            if (error != null) {
                state.lastError = new ErrorSeen(error, clock.instant());
            }
            switch (outcome) {
                case SendOutcome.Retry r when r.scope() == SendOutcome.Retry.Scope.PROVIDER ->
                        breaker.onError(elapsed, TimeUnit.NANOSECONDS, new ProviderTrouble(r.reason()));
                case SendOutcome.Retry r -> breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                case SendOutcome.Accepted a -> breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                case SendOutcome.Failed f -> breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                case SendOutcome.AddressInvalid a -> breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                case SendOutcome.Throttled t -> {
                    breaker.releasePermission(); // the pause below is the answer, not the breaker
                    throttledPauses.increment();
                    state.pause(clock.instant().plus(t.retryAfter()), "throttled: " + t.reason());
                }
            }
            freeSlot();
        }

        @Override
        public void release() {
            if (ended.compareAndSet(false, true)) {
                state.breaker.releasePermission();
                freeSlot();
            }
        }

        private void freeSlot() {
            state.inFlight.decrementAndGet();
            if (shared) {
                state.sharedInFlight.decrementAndGet();
            }
        }
    }

    private static int stateCode(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 0;
        };
    }

    /** A provider-scope failure as the breaker records it; no stack trace. */
    private static final class ProviderTrouble extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProviderTrouble(String reason) {
            super(reason, null, false, false);
        }
    }
}
