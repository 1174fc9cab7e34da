package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.channel.testkit.ResettingPeer;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One workspace's broken webhook target does not hold up another's, and loses nothing: workspace acme's target
 * resets every connection after reading the request while workspace other sends to a healthy target; other's sends
 * are delivered at once, acme's stay queued with their attempts counted and a backoff ahead of the clock, and once
 * the target is back and the clock has passed the backoff (and the breaker's pause), each of acme's is delivered
 * exactly once.
 */
final class FaultIsolationTest {
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    private static final int ACME_USERS = 6;
    private static final int OTHER_SENDS = 8;

    @TempDir
    Path dir;

    @Test
    void aTargetThatResetsEveryConnectionDelaysOnlyItsWorkspaceAndLosesNothing() throws Exception {
        var clock = new MutableClock(START);
        var broken = new ResettingPeer(ResettingPeer.Mode.RESET_AFTER_REQUEST);
        int acmePort = broken.port();
        HttpPeer recovered = null;
        try (var healthy = new HttpPeer(); var gw = GatewayFixture.start(dir, GatewayFixture.config(dir),
                new Herald.Overrides(clock, RandomGenerator.getDefault(), Optional.empty()))) {
            List<String> users = new ArrayList<>();
            for (int i = 0; i < ACME_USERS; i++) {
                users.add("\"a" + i + "\"");
            }
            String acme = gw.accept(GatewayFixture.webhookSend("x", broken.url("http", "/acme"), "{\"n\":1}")
                    .replace("[\"x\"]", "[" + String.join(",", users) + "]"));
            // acme's deliveries have all been tried and failed before other's are even accepted.
            JsonNode failing = gw.awaitStatus(acme, s -> s.path("deliveries").size() == ACME_USERS
                    && everyDelivery(s, d -> d.path("status").asText().equals("queued")
                    && d.path("attempts").asInt() >= 1 && d.hasNonNull("next_attempt_at")));
            assertTrue(broken.received().size() >= ACME_USERS, "every delivery reached the target: "
                    + broken.received().size());

            long started = System.nanoTime();
            List<String> others = new ArrayList<>();
            for (int i = 0; i < OTHER_SENDS; i++) {
                others.add(gw.accept(GatewayFixture.OTHER_KEY,
                        GatewayFixture.webhookSend("o" + i, healthy.url("/other/" + i), "{\"o\":" + i + "}")));
            }
            Eventually.until(Duration.ofSeconds(10), "all of other's sends delivered",
                    () -> others.stream().allMatch(d -> delivered(gw, GatewayFixture.OTHER_KEY, d)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "other's sends took " + took);
            assertEquals(OTHER_SENDS, healthy.received().size(), "each of other's sends exactly once");

            // acme's are still queued: attempts counted, the last error kept, the next attempt after the clock.
            failing = gw.status(acme);
            for (JsonNode d : failing.path("deliveries")) {
                assertEquals("queued", d.path("status").asText(), d.toString());
                assertTrue(d.path("attempts").asInt() >= 1, d.toString());
                assertFalse(d.path("last_error").isNull(), d.toString());
                Instant next = Instant.parse(d.path("next_attempt_at").asText());
                assertTrue(next.isAfter(clock.instant()), "backoff ahead of the clock: " + d);
            }
            int attemptsBefore = broken.received().size();

            // The target comes back on the same port; time passes beyond every backoff and the breaker's pause.
            broken.close();
            recovered = new HttpPeer(acmePort);
            clock.advance(Duration.ofMinutes(2));
            gw.herald.wakeScheduler();
            gw.awaitStatus(acme, s -> GatewayFixture.allDeliveries(s, "delivered"));

            Set<String> ids = new HashSet<>();
            for (JsonNode d : gw.status(acme).path("deliveries")) {
                ids.add(d.path("id").asText());
            }
            Map<String, Long> perId = recovered.received().stream()
                    .collect(Collectors.groupingBy(r -> String.valueOf(r.header("webhook-id")), Collectors.counting()));
            assertEquals(ids, perId.keySet(), "every one of acme's deliveries reached the recovered target");
            perId.forEach((id, n) -> assertEquals(1L, n, "delivery " + id + " arrived " + n + " times"));
            assertEquals(attemptsBefore, broken.received().size(), "nothing more went to the broken target");
        } finally {
            broken.close();
            if (recovered != null) {
                recovered.close();
            }
        }
    }

    private static boolean everyDelivery(JsonNode status, Function<JsonNode, Boolean> check) {
        for (JsonNode d : status.path("deliveries")) {
            if (!check.apply(d)) {
                return false;
            }
        }
        return true;
    }

    private static boolean delivered(GatewayFixture gw, String key, String dispatch) {
        try {
            return GatewayFixture.allDeliveries(gw.status(key, dispatch), "delivered");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
