package dev.herald.gateway.store;

import dev.herald.channel.Channel;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One workspace's counts for one channel in one hour (see {@link UsageOutcome}).
 *
 * @param hour   the start of the UTC hour
 * @param counts every outcome's count, zeros included
 */
public record UsageRow(String workspace, Channel channel, Instant hour, Map<UsageOutcome, Long> counts) {
    public UsageRow {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(hour, "hour");
        EnumMap<UsageOutcome, Long> all = new EnumMap<>(UsageOutcome.class);
        for (UsageOutcome o : UsageOutcome.values()) {
            all.put(o, counts.getOrDefault(o, 0L));
        }
        counts = Collections.unmodifiableMap(all);
    }

    /** One outcome's count. */
    public long count(UsageOutcome outcome) {
        return counts.get(outcome);
    }
}
