package dev.herald.gateway.template;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The time a render may still run, checked as it goes by Herald's filters, loops and output appender, so a render
 * that overruns stops and frees its thread. (Liqp's own time limit only stops waiting for a render: the render
 * keeps its thread until it ends by itself, if ever.) Kept per thread because Liqp creates the render's context
 * itself and offers no other per-render state that filters and tags can reach.
 */
final class RenderDeadline {
    private static final ThreadLocal<RenderDeadline> CURRENT = new ThreadLocal<>();

    private final LongSupplier nanoTime;
    private final long endNanos;
    private final Duration budget;

    private RenderDeadline(LongSupplier nanoTime, Duration budget) {
        this.nanoTime = nanoTime;
        this.budget = budget;
        this.endNanos = nanoTime.getAsLong() + budget.toNanos();
    }

    /**
     * Runs {@code work} with {@code budget} from now on this thread. Inside another deadline (a render inside a
     * rendering job) the outer one holds: the job as a whole has the budget.
     */
    static <T> T within(LongSupplier nanoTime, Duration budget, Supplier<T> work) {
        if (CURRENT.get() != null) {
            return work.get();
        }
        CURRENT.set(new RenderDeadline(nanoTime, budget));
        try {
            return work.get();
        } finally {
            CURRENT.remove();
        }
    }

    /** Stops the render on this thread if its time is up; without a deadline (a syntax check) does nothing. */
    static void check() {
        @Nullable RenderDeadline d = CURRENT.get();
        if (d != null && d.nanoTime.getAsLong() - d.endNanos > 0) {
            throw new LimitExceeded("rendering took longer than " + d.budget.toMillis() + " ms");
        }
    }
}
