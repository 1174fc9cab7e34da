package dev.herald.ratelimit;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether to ask Redis, and the bookkeeping of failing open: after a failure, decisions are local for a back-off
 * window; when it ends, one request probes Redis while the others stay local, and the first answer from Redis
 * ends the degraded state. Failures and recoveries are each logged at most once per minute.
 */
final class FailOpenGate implements RateLimiterStats {
    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final Logger logger;
    private final LongSupplier nanoTime;
    private final long backOffNanos;
    private final int nodes;
    private final LongAdder failOpens = new LongAdder();
    private final AtomicLong nextProbeAt = new AtomicLong();
    private final LogThrottle failureLog;
    private final LogThrottle recoveryLog;
    private volatile boolean degraded;

    FailOpenGate(LongSupplier nanoTime, Duration backOff, int nodes) {
        this(LoggerFactory.getLogger(FailOpenGate.class), nanoTime, backOff, nodes);
    }

    FailOpenGate(Logger logger, LongSupplier nanoTime, Duration backOff, int nodes) {
        this.logger = logger;
        this.nanoTime = nanoTime;
        this.backOffNanos = backOff.toNanos();
        this.nodes = nodes;
        long now = nanoTime.getAsLong();
        this.failureLog = new LogThrottle(now);
        this.recoveryLog = new LogThrottle(now);
    }

    /** True when healthy; when degraded, true for a single caller once the back-off window has passed. */
    boolean askRedis() {
        if (!degraded) {
            return true;
        }
        long now = nanoTime.getAsLong();
        long probeAt = nextProbeAt.get();
        return now - probeAt >= 0 && nextProbeAt.compareAndSet(probeAt, now + backOffNanos);
    }

    /** Redis decided: leave the degraded state. */
    void redisAnswered() {
        if (degraded) {
            degraded = false;
            if (recoveryLog.mayLog(nanoTime.getAsLong())) {
                logger.info("Redis answers rate-limit requests again; limits are shared again (local decisions "
                        + "so far: {})", failOpens.sum());
            }
        }
    }

    /** Redis failed, timed out or errored: decide locally until the back-off window has passed. */
    void redisFailed(Throwable failure) {
        long now = nanoTime.getAsLong();
        nextProbeAt.set(now + backOffNanos);
        degraded = true;
        if (failureLog.mayLog(now)) {
            logger.warn("Redis rate-limit store failed ({}); deciding locally with each limit ÷ {} node(s), asking "
                    + "Redis again after {} ms; local decisions so far: {}", describe(failure), nodes,
                    backOffNanos / 1_000_000, failOpens.sum() + 1);
        }
    }

    /** Counts one decision made locally because of Redis. */
    void countFailOpen() {
        failOpens.increment();
    }

    @Override
    public long failOpenCount() {
        return failOpens.sum();
    }

    @Override
    public boolean degraded() {
        return degraded;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return "no answer within the request timeout";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Lets one message through per {@link #LOG_INTERVAL} of the injected clock. */
    private static final class LogThrottle {
        private final AtomicLong nextAt;

        LogThrottle(long now) {
            this.nextAt = new AtomicLong(now);
        }

        boolean mayLog(long now) {
            long next = nextAt.get();
            return now - next >= 0 && nextAt.compareAndSet(next, now + LOG_INTERVAL.toNanos());
        }
    }
}
