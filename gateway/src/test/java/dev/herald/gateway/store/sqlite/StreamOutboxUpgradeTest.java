package dev.herald.gateway.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.config.StoreConfig;
import dev.herald.gateway.store.SharedMigrations;
import dev.herald.gateway.store.StreamEventRow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal from before the chunked outbox keeps every event it held: each moves to {@code stream_chunk} in its
 * order, with its state, and is published or replayed as before.
 */
final class StreamOutboxUpgradeTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void theRowPerEventOutboxMovesOverInOrderWithItsState() throws Exception {
        Path db = dir.resolve("herald.db");
        int before = SharedMigrations.BASELINE + indexOfMigrationCreating("stream_chunk");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            SqliteSchema.migrate(c, before);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO stream_event (id, workspace, dispatch_id, "
                    + "type, payload, status, attempts, last_error, created_at, expires_at, updated_at) "
                    + "VALUES (?, 'acme', 'd', 'users.messages.webhook.Send', ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < 5; i++) {
                    UUID id = new UUID(0, i);
                    ps.setString(1, id.toString());
                    ps.setString(2, "{\"event_type\":\"users.messages.webhook.Send\",\"id\":\"" + id
                            + "\",\"properties\":{\"dispatch_id\":\"d\"}}");
                    ps.setString(3, i < 2 ? "dead" : "pending");
                    ps.setInt(4, i < 2 ? 9 : 0);
                    ps.setString(5, i < 2 ? "503" : null);
                    ps.setLong(6, NOW.toEpochMilli());
                    ps.setLong(7, NOW.plus(Duration.ofDays(1)).toEpochMilli());
                    ps.setLong(8, NOW.toEpochMilli());
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
        try (var store = SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, db, 1000, Duration.ofDays(7)))) {
            List<StreamEventRow> pending = store.read(tx -> tx.streamEvents().oldestPending("acme", 10)).get();
            assertEquals(List.of(new UUID(0, 2), new UUID(0, 3), new UUID(0, 4)),
                    pending.stream().map(StreamEventRow::id).toList());
            List<StreamEventRow> dead = store.read(tx -> tx.streamEvents().dead("acme", 0, 10)).get();
            assertEquals(List.of(new UUID(0, 0), new UUID(0, 1)), dead.stream().map(StreamEventRow::id).toList());
            assertEquals(9, dead.get(0).attempts());
            assertEquals("503", dead.get(0).lastError().orElseThrow());
            assertEquals("d", dead.get(0).dispatchId());
            assertEquals(2, store.write(tx -> tx.streamEvents().replayDead("acme", 10, NOW, NOW.plusSeconds(60)))
                    .get());
            assertEquals(5, store.read(tx -> tx.streamEvents().oldestPending("acme", 10)).get().size());
        }
    }

    private static int indexOfMigrationCreating(String table) {
        for (int i = 0; i < SharedMigrations.AFTER_BASELINE.size(); i++) {
            if (SharedMigrations.AFTER_BASELINE.get(i).stream().anyMatch(sql -> sql.contains("CREATE TABLE " + table))) {
                return i;
            }
        }
        throw new AssertionError("no migration creates " + table);
    }
}
