package dev.herald.gateway.store;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a store hands the usage counts of each committed batch ({@link Store#onUsage}): one sink, set once the
 * metrics exist, called after the commit; a sink that fails is logged and never fails the batch it reports.
 */
public final class UsageReports {
    private static final Logger logger = LoggerFactory.getLogger(UsageReports.class);

    private volatile Consumer<List<UsageRow>> sink = usage -> { };

    /** Sends later reports to {@code sink}. */
    public void to(Consumer<List<UsageRow>> sink) {
        this.sink = sink;
    }

    /** Reports a committed batch's counts, if it has any. */
    public void report(List<UsageRow> usage) {
        if (usage.isEmpty()) {
            return;
        }
        try {
            sink.accept(usage);
        } catch (RuntimeException e) {
            logger.warn("store: reporting usage counts failed: {}", e.toString());
        }
    }
}
