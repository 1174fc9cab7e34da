package dev.herald.gateway.api;

import dev.herald.gateway.braze.LegacyRequests;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.store.Dispatches;
import dev.herald.gateway.store.Store;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a journal written before the typed model up to date at start: each dispatch still holding the Braze
 * request an older Herald kept (spec version 0) gets its spec, in batches, before the scheduler starts. A request
 * that does not read any more keeps nothing to send (logged with its id): its remaining deliveries fail with a
 * clear reason rather than stopping the start.
 */
public final class SpecUpgrade {
    private static final Logger logger = LoggerFactory.getLogger(SpecUpgrade.class);
    private static final int BATCH = 500;

    private SpecUpgrade() {
    }

    /** Upgrades every dispatch still kept as a Braze request; returns how many. */
    public static int run(Store store) {
        int total = 0;
        List<Dispatches.Legacy> batch;
        do {
            batch = store.write(tx -> {
                List<Dispatches.Legacy> legacy = tx.dispatches().legacy(BATCH);
                for (Dispatches.Legacy d : legacy) {
                    tx.dispatches().upgrade(d.id(), upgraded(d));
                }
                return legacy;
            }).join();
            total += batch.size();
        } while (batch.size() == BATCH);
        if (total > 0) {
            logger.info("upgraded {} dispatches kept by an older Herald to the typed model", total);
        }
        return total;
    }

    private static DispatchSpec upgraded(Dispatches.Legacy d) {
        try {
            return LegacyRequests.toSpec(d.request());
        } catch (IllegalArgumentException e) {
            logger.error("dispatch {} of workspace {} does not read any more and sends nothing further: {}", d.id(),
                    d.workspace(), e.getMessage());
            return DispatchSpec.builder().build();
        }
    }
}
