package dev.herald.gateway.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes finished deliveries, then dispatches with none left, published postbacks, tracked user events and
 * send ids, once they are older than {@code store.retention}, and idempotency and {@code external_send_id} keys
 * and provider reports no send claimed once they are older than {@value #KEY_HOURS} hours; in batches of {@value #BATCH} rows, each its own write, so ingress is never held
 * up for long.
 */
public final class Purger implements AutoCloseable {
    static final int BATCH = 1000;
    static final int KEY_HOURS = 24;
    private static final Logger logger = LoggerFactory.getLogger(Purger.class);

    private final Store store;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon(true).name("herald-purge").factory());

    /** A purger; call {@link #start()} to run it periodically. */
    public Purger(Store store, Duration retention, Clock clock) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
    }

    /** Runs a purge now and then every tenth of the retention, at most every 10 minutes. */
    public void start() {
        long periodSeconds = Math.max(1, Math.min(retention.toSeconds() / 10, 600));
        timer.scheduleWithFixedDelay(this::purgeSafely, 5, periodSeconds, TimeUnit.SECONDS);
    }

    private void purgeSafely() {
        try {
            purge();
        } catch (RuntimeException e) {
            logger.warn("purge failed; next try at the next period: {}", e.toString());
        }
    }

    /** Purges everything finished before now − retention; returns how many rows were deleted. */
    public long purge() {
        Instant cutoff = clock.instant().minus(retention);
        long deleted = 0;
        int n;
        do {
            n = store.write(tx -> led(tx) ? tx.deliveries().purgeFinished(cutoff, BATCH) : 0).join();
            deleted += n;
        } while (n == BATCH);
        do {
            n = store.write(tx -> led(tx) ? tx.dispatches().purge(cutoff, BATCH) : 0).join();
            deleted += n;
        } while (n == BATCH);
        do {
            n = store.write(tx -> led(tx) ? tx.events().purge(cutoff, BATCH) + tx.users().purgeEvents(cutoff, BATCH)
                    + tx.keys().purgeSendIds(cutoff, BATCH) : 0).join();
            deleted += n;
        } while (n > 0);
        Instant keyCutoff = clock.instant().minus(Duration.ofHours(KEY_HOURS));
        do {
            n = store.write(tx -> led(tx) ? tx.keys().purge(keyCutoff, BATCH) + tx.heldReceipts().purge(keyCutoff, BATCH)
                    : 0).join();
            deleted += n;
        } while (n > 0);
        if (deleted > 0) {
            logger.info("purged {} finished rows older than {}", deleted, cutoff);
        }
        return deleted;
    }

    /** Whether this node purges now: on a shared journal, one node at a time does (the others find 0 to do). */
    private static boolean led(StoreTx tx) throws java.sql.SQLException {
        return tx.claims().lead("purge");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
