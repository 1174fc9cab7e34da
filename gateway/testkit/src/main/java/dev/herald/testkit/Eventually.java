package dev.herald.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something asynchronous to happen: asks a probe again and again, with a short back-off (1 ms doubling to
 * 50 ms), until its answer satisfies a condition, and fails with the last answer once the time is up. The timeout
 * only bounds a test that would otherwise hang; it never decides an outcome, so it is generous.
 *
 * <p>This is the one place in Herald's test code that sleeps: a test waits here for a behaviour it cannot be told
 * about (a delivery reaching a state, a child process listening, a client reconnecting), never to time one. An
 * exception from the probe or the condition ends the wait at once and propagates unchanged.
 */
public final class Eventually {
    /** How long the overloads without a timeout wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMillis(50);

    private Eventually() {
    }

    /**
     * The first answer of {@code probe} that satisfies {@code until}.
     *
     * @throws AssertionError when no answer did within {@code timeout}; the message shows the last one
     */
    public static <T> T await(Duration timeout, Supplier<T> probe, Predicate<? super T> until) {
        Polled<T> polled = poll(timeout, probe, until);
        if (!polled.met()) {
            throw new AssertionError("not reached within " + timeout + "; last value: " + polled.last());
        }
        return polled.last();
    }

    /** As {@link #await(Duration, Supplier, Predicate)}, for at most {@link #DEFAULT_TIMEOUT}. */
    public static <T> T await(Supplier<T> probe, Predicate<? super T> until) {
        return await(DEFAULT_TIMEOUT, probe, until);
    }

    /**
     * Returns once {@code condition} holds.
     *
     * @param what what the test waits for, for the failure message
     * @throws AssertionError when it did not hold within {@code timeout}
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        if (!within(timeout, condition)) {
            throw new AssertionError("not reached within " + timeout + ": " + what);
        }
    }

    /** As {@link #until(Duration, String, BooleanSupplier)}, for at most {@link #DEFAULT_TIMEOUT}. */
    public static void until(BooleanSupplier condition) {
        until(DEFAULT_TIMEOUT, "the awaited condition", condition);
    }

    /**
     * Whether {@code condition} came to hold within {@code timeout}, without failing: for callers that report a
     * miss rather than assert, such as a benchmark waiting for its load to drain.
     */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        return poll(timeout, condition::getAsBoolean, Boolean::booleanValue).met();
    }

    private record Polled<T>(T last, boolean met) {
    }

    private static <T> Polled<T> poll(Duration timeout, Supplier<T> probe, Predicate<? super T> until) {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(until, "until");
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_PAUSE;
        while (true) {
            T value = probe.get();
            if (until.test(value)) {
                return new Polled<>(value, true);
            }
            if (System.nanoTime() - deadline >= 0) {
                return new Polled<>(value, false);
            }
            sleep(pause);
            Duration doubled = pause.multipliedBy(2);
            pause = doubled.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : doubled;
        }
    }

    /** The only sleep in Herald's tests: between two looks at something that will change without telling us. */
    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
