package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.testkit.Eventually;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal written before the typed model (schema 5: dispatches kept the normalised Braze request) still delivers
 * after the upgrade: accepted dispatches are expanded from it, already expanded ones send their queued deliveries,
 * with their properties, and every dispatch keeps a current spec afterwards.
 */
final class JournalUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void anOlderJournalsAcceptedAndQueuedWorkIsSentAfterTheUpgrade() throws Exception {
        try (var peer = new HttpPeer()) {
            Instant now = Instant.now();
            writeOldJournal(now, peer);
            try (var gw = GatewayFixture.start(dir)) {
                Eventually.until(Duration.ofSeconds(30), "three webhooks", () -> peer.received().size() == 3);
                var bodies = peer.received().stream().map(HttpPeer.Received::body)
                        .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(new TreeSet<>(List.of("accepted for u1", "queued for u1", "trigger b-y")), bodies);
                assertEquals("1", peer.received().stream().filter(r -> r.body().equals("accepted for u1"))
                        .findFirst().orElseThrow().header("X-Old"));
            }
            assertEquals(3, GatewayFixture.count(dir, "SELECT count(*) FROM dispatch WHERE spec_version = 1"));
        }
    }

    private void writeOldJournal(Instant now, HttpPeer peer) throws IOException, SQLException {
        Files.createDirectories(dir);
        String schema;
        try (InputStream in = JournalUpgradeTest.class.getResourceAsStream("/journal-v5.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("herald.db"));
             Statement s = c.createStatement()) {
            for (String sql : schema.split(";\n")) {
                if (!sql.isBlank()) {
                    s.execute(sql.replaceAll("(?m)^--.*$", ""));
                }
            }
            s.execute("INSERT INTO app_user (workspace, braze_id, external_id, created_at, updated_at) "
                    + "VALUES ('acme', 'b1', 'u1', 0, 0), ('acme', 'b2', 'u2', 0, 0)");
            String hook = "{\"url\":\"" + peer.url("/old") + "\",\"request_method\":\"POST\",\"request_headers\":"
                    + "{\"X-Old\":\"1\"},\"body\":\"%s\"}";
            insert(c, "d1", "accepted", now, """
                    {"recipients":[{"external_user_id":"u1"}],"recipient_subscription_state":"subscribed",
                     "messages":{"webhook":%s}}""".formatted(hook.formatted("accepted for {{${user_id}}}")));
            insert(c, "d2", "expanded", now, """
                    {"recipients":[{"external_user_id":"u1"}],"recipient_subscription_state":"subscribed",
                     "messages":{"webhook":%s}}""".formatted(hook.formatted("queued for {{${user_id}}}")));
            insert(c, "d3", "accepted", now, """
                    {"trigger_properties":{"a":"b"},"recipients":[{"external_user_id":"u2",
                     "trigger_properties":{"x":"y"}}],"campaign_id":"c1","recipient_subscription_state":"subscribed",
                     "messages":{"webhook":%s}}""".formatted(hook.formatted(
                    "trigger {{api_trigger_properties.${a}}}-{{api_trigger_properties.${x}}}")));
            s.execute("INSERT INTO delivery (id, dispatch_id, workspace, channel, recipient, address, egress_key, lane, "
                    + "status, attempts, next_attempt_at, expires_at, created_at, updated_at, user_id) VALUES "
                    + "('019ae000-0000-7000-8000-000000000001', 'd2', 'acme', 'webhook', 'external_id:u1', '"
                    + peer.url("/old") + "', 'webhook:127.0.0.1:" + peer.port() + "', 'standard', 'queued', 0, "
                    + now.toEpochMilli() + ", " + now.plusSeconds(3600).toEpochMilli() + ", " + now.toEpochMilli()
                    + ", " + now.toEpochMilli() + ", 1)");
        }
    }

    private static void insert(Connection c, String id, String status, Instant now, String request)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dispatch (id, workspace, kind, lane, request, status, "
                + "not_before, expires_at, created_at, updated_at) VALUES (?, 'acme', 'messages.send', 'standard', ?, ?, "
                + "?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, request);
            ps.setString(3, status);
            ps.setLong(4, now.toEpochMilli());
            ps.setLong(5, now.plusSeconds(3600).toEpochMilli());
            ps.setLong(6, now.toEpochMilli());
            ps.setLong(7, now.toEpochMilli());
            ps.executeUpdate();
        }
    }
}
