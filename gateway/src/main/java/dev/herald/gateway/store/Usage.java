package dev.herald.gateway.store;

import dev.herald.channel.Channel;
import dev.herald.gateway.model.DeliveryStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code usage_hour} table: per workspace, channel and UTC hour, how many deliveries were accepted, sent,
 * delivered and so on ({@link UsageOutcome}). Counted in the transaction of the change that causes it, so a count is
 * kept exactly when its change is.
 *
 * <p>Counting costs the writer almost nothing: a count is only added up in memory, and the engine writes the sums of
 * every unit of work of a transaction with one upsert per (workspace, channel, hour) just before it commits (see
 * {@link JdbcTx#writeHeld}). A unit of work that rolls back drops its own counts ({@link JdbcTx#endWork}).
 */
public final class Usage {
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
    private static final UsageOutcome[] OUTCOMES = UsageOutcome.values();
    private static final String COLUMNS = Stream.of(OUTCOMES).map(UsageOutcome::column)
            .collect(Collectors.joining(", "));
    private static final String SUMS = Stream.of(OUTCOMES).map(o -> "SUM(" + o.column() + ") AS " + o.column())
            .collect(Collectors.joining(", "));
    private static final String UPSERT = "INSERT INTO usage_hour (workspace, hour, channel, shard, " + COLUMNS
            + ") VALUES (?, ?, ?, ?" + ", ?".repeat(OUTCOMES.length) + ") ON CONFLICT (workspace, hour, channel, shard) "
            + "DO UPDATE SET "
            + Stream.of(OUTCOMES).map(o -> o.column() + " = usage_hour." + o.column() + " + excluded." + o.column())
            .collect(Collectors.joining(", "));

    /**
     * How many rows one (workspace, channel, hour) may be spread over. Each writer connection adds to its own shard:
     * on a shared journal several writers (and nodes) commit at once, and one hot row would make each wait for the
     * other's commit. Reads add the shards up.
     */
    static final int SHARDS = 16;
    private static final AtomicInteger NEXT_SHARD = new AtomicInteger(ThreadLocalRandom.current().nextInt(SHARDS));

    private record Key(String workspace, long hour, Channel channel) implements Comparable<Key> {
        /** Rows are upserted in this order, so two writers sharing a shard never wait on each other in a cycle. */
        @Override
        public int compareTo(Key o) {
            int c = workspace.compareTo(o.workspace);
            if (c == 0) {
                c = Long.compare(hour, o.hour);
            }
            return c != 0 ? c : channel.compareTo(o.channel);
        }
    }

    private final Sql sql;
    private final int shard = Math.floorMod(NEXT_SHARD.getAndIncrement(), SHARDS);
    /** Counted by the unit of work under way. */
    private final Map<Key, long[]> work = new HashMap<>();
    /** Counted by the units of work of this transaction that succeeded, not yet written. */
    private final Map<Key, long[]> held = new TreeMap<>();

    Usage(Sql sql) {
        this.sql = sql;
    }

    /** Counts {@code n} of {@code outcome} for a workspace's channel in the hour of {@code at}. */
    public void count(String workspace, Channel channel, Instant at, UsageOutcome outcome, long n) {
        if (n == 0) {
            return;
        }
        long hour = Math.floorDiv(at.toEpochMilli(), HOUR_MILLIS) * HOUR_MILLIS;
        work.computeIfAbsent(new Key(workspace, hour, channel), k -> new long[OUTCOMES.length])[outcome.ordinal()] += n;
    }

    /** Counts what a delivery's move from {@code from} to {@code to} at {@code at} counts ({@link UsageOutcome#ofMove}). */
    public void countMove(String workspace, Channel channel, DeliveryStatus from, DeliveryStatus to, Instant at) {
        for (UsageOutcome o : UsageOutcome.ofMove(from, to)) {
            count(workspace, channel, at, o, 1);
        }
    }

    /** The unit of work under way ended: its counts are kept for the commit if it succeeded, dropped if not. */
    void endWork(boolean succeeded) {
        if (succeeded) {
            work.forEach((key, counts) -> {
                long[] sum = held.computeIfAbsent(key, k -> new long[OUTCOMES.length]);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += counts[i];
                }
            });
        }
        work.clear();
    }

    /** Writes the kept counts, one upsert per (workspace, channel, hour) in one batch; returns what it wrote. */
    List<UsageRow> writeHeld() throws SQLException {
        if (held.isEmpty()) {
            return List.of();
        }
        List<UsageRow> written = new ArrayList<>(held.size());
        try {
            PreparedStatement ps = sql.prepare(UPSERT);
            ps.clearBatch(); // a batch a failed run left behind is not this one's
            for (Map.Entry<Key, long[]> e : held.entrySet()) {
                Key k = e.getKey();
                ps.setString(1, k.workspace());
                ps.setLong(2, k.hour());
                ps.setString(3, k.channel().wireName());
                ps.setInt(4, shard);
                Map<UsageOutcome, Long> counts = new EnumMap<>(UsageOutcome.class);
                for (UsageOutcome o : OUTCOMES) {
                    long n = e.getValue()[o.ordinal()];
                    ps.setLong(5 + o.ordinal(), n);
                    counts.put(o, n);
                }
                ps.addBatch();
                written.add(new UsageRow(k.workspace(), k.channel(), Instant.ofEpochMilli(k.hour()), counts));
            }
            ps.executeBatch();
        } finally {
            held.clear();
        }
        return written;
    }

    /** Drops every count not yet written (the transaction is rolled back). */
    void discard() {
        work.clear();
        held.clear();
    }

    /** A workspace's counts for the hours starting in [{@code from}, {@code until}), by hour, then channel. */
    public List<UsageRow> hours(String workspace, Instant from, Instant until) throws SQLException {
        PreparedStatement ps = sql.prepare("SELECT hour, channel, " + SUMS + " FROM usage_hour WHERE workspace = ? "
                + "AND hour >= ? AND hour < ? GROUP BY hour, channel ORDER BY hour, channel");
        ps.setString(1, workspace);
        ps.setLong(2, Rows.millis(from));
        ps.setLong(3, Rows.millis(until));
        List<UsageRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<UsageOutcome, Long> counts = new EnumMap<>(UsageOutcome.class);
                for (UsageOutcome o : OUTCOMES) {
                    counts.put(o, rs.getLong(o.column()));
                }
                out.add(new UsageRow(workspace, Channel.fromWireName(rs.getString("channel")),
                        Instant.ofEpochMilli(rs.getLong("hour")), counts));
            }
        }
        return out;
    }
}
