package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static dev.herald.gateway.GatewayFixture.OTHER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway from its composition root on port 0, delivering to a loopback webhook target. */
final class EndToEndTest {
    @TempDir
    Path dir;
    private HttpPeer peer;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        peer = new HttpPeer();
        gw = GatewayFixture.start(dir);
    }

    @AfterEach
    void stop() {
        gw.close();
        peer.close();
    }

    @Test
    void deliversTheWebhookAsGivenWithTheDeliveryIdAsWebhookId() throws Exception {
        var r = gw.post("/messages/send", KEY, GatewayFixture.webhookSend("u1", peer.url("/hook"), "{\"n\":1}"));
        assertEquals(201, r.status(), r.raw());
        assertEquals("success", r.message());
        String id = r.json().path("dispatch_id").asText();
        assertTrue(id.matches("[0-9a-f]{32}"), id);

        JsonNode status = gw.awaitStatus(id, s -> GatewayFixture.allDeliveries(s, "delivered"));
        JsonNode delivery = status.path("deliveries").get(0);
        assertEquals("webhook", delivery.path("channel").asText());
        assertEquals(1, delivery.path("attempts").asInt());
        assertEquals("completed", status.path("status").asText());

        var received = peer.received().get(0);
        assertEquals("POST", received.method());
        assertEquals("/hook", received.path());
        assertEquals("{\"n\":1}", received.body());
        assertEquals("t-1", received.header("X-Trace"));
        assertEquals(delivery.path("id").asText(), received.header("webhook-id"));
    }

    @Test
    void retriesAServerErrorAfterItsRetryAfterThenDelivers() throws Exception {
        var calls = new AtomicInteger();
        peer.answer(ex -> {
            if (calls.incrementAndGet() == 1) {
                HttpPeer.reply(ex, 503, Map.of("Retry-After", "1"), "busy");
            } else {
                HttpPeer.reply(ex, 200, Map.of(), "{}");
            }
        });
        String id = gw.accept(GatewayFixture.webhookSend("u1", peer.url("/r"), "x"));
        JsonNode status = gw.awaitStatus(id, s -> GatewayFixture.allDeliveries(s, "delivered"));
        JsonNode delivery = status.path("deliveries").get(0);
        assertEquals(2, delivery.path("attempts").asInt());
        assertTrue(delivery.path("last_error").asText().startsWith("HTTP 503"));
        var attempts = peer.received();
        assertEquals(2, attempts.size());
        assertEquals(attempts.get(0).header("webhook-id"), attempts.get(1).header("webhook-id"),
                "the webhook-id is stable across retries");
    }

    @Test
    void oneDeliveryPerRecipientWithDuplicatesCollapsed() throws Exception {
        String body = """
                {"external_user_ids":["a","b","a"],"user_aliases":[{"alias_name":"n","alias_label":"l"}],
                 "messages":{"webhook":{"url":"%s","request_method":"PUT","body":"x"}}}""".formatted(peer.url("/m"));
        String id = gw.accept(body);
        JsonNode status = gw.awaitStatus(id, s -> GatewayFixture.allDeliveries(s, "delivered"));
        assertEquals(3, status.path("deliveries").size());
        assertEquals(3, peer.received().size());
        assertTrue(peer.received().stream().allMatch(r -> r.method().equals("PUT")));
    }

    @Test
    void aFailingTargetEndsFailedWithItsWords() throws Exception {
        peer.answer(404, Map.of(), "no such hook");
        String id = gw.accept(GatewayFixture.webhookSend("u1", peer.url("/gone"), "x"));
        JsonNode status = gw.awaitStatus(id, s -> GatewayFixture.allDeliveries(s, "failed"));
        assertEquals("HTTP 404 Not Found: no such hook", status.path("deliveries").get(0).path("last_error").asText());
    }

    @Test
    void acceptsLegacyApiKeysInTheBodyAndTheQuery() throws Exception {
        String body = GatewayFixture.webhookSend("u1", peer.url("/l"), "x");
        var inBody = gw.post("/messages/send", null, body.replaceFirst("\\{", "{\"api_key\":\"" + KEY + "\","));
        assertEquals(201, inBody.status(), inBody.raw());
        var inQuery = gw.post("/messages/send?api_key=" + KEY, null, body);
        assertEquals(201, inQuery.status(), inQuery.raw());
    }

    @Test
    void normalisesDoubleSlashesFromNaiveClients() throws Exception {
        var r = gw.post("//messages/send", KEY, GatewayFixture.webhookSend("u1", peer.url("/s"), "x"));
        assertEquals(201, r.status(), r.raw());
    }

    @Test
    void anotherWorkspaceCannotSeeADispatch() throws Exception {
        String id = gw.accept(GatewayFixture.webhookSend("u1", peer.url("/w"), "x"));
        var r = gw.get("/herald/v1/dispatches/" + id, OTHER_KEY);
        assertEquals(404, r.status());
        assertTrue(r.message().startsWith("Dispatch not found"));
    }

    @Test
    void servesManyRequestsOnOneKeepAliveConnection() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(201, gw.post("/messages/send", KEY,
                    GatewayFixture.webhookSend("k" + i, peer.url("/k"), "x")).status());
        }
        var req = HttpRequest.newBuilder(gw.url("/herald/v1/dispatches/nope")).header("Authorization", "Bearer " + KEY)
                .GET().build();
        assertEquals(404, gw.send(req).status());
    }
}
