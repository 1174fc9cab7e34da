package dev.herald.loadtest;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.Recorder;

/**
 * The raw ceilings' sending loop (raw Pushy, raw {@code HttpClient}, raw Angus): sends as fast as
 * {@code maxInFlight} outstanding sends allow (a semaphore), and counts what the sink accepted in the measured
 * window, so a ceiling is measured where Herald's deliveries are.
 */
final class CeilingLoop {
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);

    /** What one run measured: deliveries the sink accepted in the window, failures, round-trip latency. */
    record Result(long accepted, long failed, Duration elapsed, double p50Micros, double p99Micros) {
        double throughput() {
            return accepted / (elapsed.toNanos() / 1e9);
        }
    }

    /** Sends the {@code i}-th item; the stage says whether the peer accepted it. */
    interface Send extends IntFunction<CompletionStage<Boolean>> {
    }

    private CeilingLoop() {
    }

    /**
     * Sends for {@code warmup} (not counted), then for {@code measure} or until {@code max} were sent in the window;
     * returns once every send has been answered (at most 30 s later).
     */
    static Result run(String name, DeliverySink sink, int maxInFlight, Send send, Duration warmup, Duration measure,
                      long max) throws InterruptedException {
        var permits = new Semaphore(maxInFlight);
        var recorder = new Recorder(3);
        var failed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long stopAt = measureFrom + measure.toNanos();
        long acceptedAtStart = -1;
        long windowStart = 0;
        long sentInWindow = 0;
        int next = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= stopAt || sentInWindow >= max) {
                break;
            }
            if (acceptedAtStart < 0 && now >= measureFrom) {
                windowStart = now;
                acceptedAtStart = sink.accepted();
            }
            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue; // the loop re-checks the time
            }
            long sentAt = System.nanoTime();
            boolean measured = acceptedAtStart >= 0;
            if (measured) {
                sentInWindow++;
            }
            send.apply(next++).whenComplete((accepted, cause) -> {
                permits.release();
                if (!measured) {
                    return;
                }
                if (accepted == null || !accepted) {
                    failed.incrementAndGet();
                } else {
                    recorder.recordValue(Math.max(1, (System.nanoTime() - sentAt) / 1_000));
                }
            });
        }
        long windowEnd = System.nanoTime();
        long accepted = sink.accepted() - Math.max(0, acceptedAtStart);
        if (!permits.tryAcquire(maxInFlight, SETTLE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + ": sends unanswered " + SETTLE_LIMIT + " after the run");
        }
        var h = recorder.getIntervalHistogram();
        return new Result(accepted, failed.get(), Duration.ofNanos(windowEnd - windowStart),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99));
    }
}
