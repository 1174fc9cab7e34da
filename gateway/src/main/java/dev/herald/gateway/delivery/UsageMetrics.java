package dev.herald.gateway.delivery;

import dev.herald.gateway.store.UsageOutcome;
import dev.herald.gateway.store.UsageRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code herald.usage{workspace, channel, outcome}} ({@code herald_usage_total} in Prometheus): the usage counts the
 * journal keeps per hour ({@link UsageOutcome}), counted as each transaction that adds to them commits, so the metric
 * and {@code GET /herald/v1/usage} agree. Unlike {@code herald.deliveries}, which counts attempts' answers, it counts
 * deliveries' changes of state, per workspace.
 */
public final class UsageMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** Counters registered in {@code registry}. */
    public UsageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Adds a committed transaction's counts (the store's usage sink). */
    public void add(List<UsageRow> committed) {
        for (UsageRow row : committed) {
            row.counts().forEach((outcome, n) -> {
                if (n > 0) {
                    counter(row, outcome).increment(n);
                }
            });
        }
    }

    private Counter counter(UsageRow row, UsageOutcome outcome) {
        String channel = row.channel().wireName();
        return counters.computeIfAbsent(row.workspace() + "\u0000" + channel + "\u0000" + outcome.column(),
                k -> Counter.builder("herald.usage")
                        .description("deliveries accepted, sent, delivered, bounced, failed... by workspace and channel")
                        .tag("workspace", row.workspace()).tag("channel", channel).tag("outcome", outcome.column())
                        .register(registry));
    }
}
