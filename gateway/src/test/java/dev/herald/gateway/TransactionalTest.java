package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.gateway.json.Json;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * {@code /transactional/v1/campaigns/{id}/send} end to end: a real SMTP relay, a postback receiver on loopback
 * verifying Standard Webhooks signatures, and a fake clock for the 24-hour {@code external_send_id} window.
 */
final class TransactionalTest {
    static final String TX_KEY = "test-key-transactional";
    static final String FINAL_HOP_KEY = "test-key-final-hop";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /** Real time, so the receiver's five-minute timestamp tolerance holds. */
    static final Instant START = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);
    private RelayPeer relay;
    private HttpPeer postbacks;
    private GatewayFixture gw;

    @BeforeEach
    void start() throws Exception {
        relay = new RelayPeer();
        postbacks = new HttpPeer().answer(200, Map.of(), "{}");
        String tx = """
                  - id: tx
                    api_keys: [ { name: t, sha256: "%1$s", permissions: [transactional.send] } ]
                    email: { smtp: { host: 127.0.0.1, port: %2$d, starttls: disabled } }
                    events: { postback_url: "%3$s", signing_secret: "%4$s" }
                    campaigns:
                      - id: password-reset
                        transactional: true
                        email: { app_id: a, from: "Acme <no-reply@acme.test>", subject: "Reset for {{${first_name} | default: 'you'}}", body: "<p>Code {{api_trigger_properties.${code}}}</p>" }
                      - id: newsletter
                        email: { app_id: a, from: "a@acme.test", subject: "News", body: "<p>news</p>" }
                      - id: on-hold
                        transactional: true
                        paused: true
                        email: { app_id: a, from: "a@acme.test", subject: "x", body: "x" }
                      - id: retired
                        transactional: true
                        archived: true
                        email: { app_id: a, from: "a@acme.test", subject: "x", body: "x" }
                  - id: txf
                    api_keys: [ { name: f, sha256: "%5$s", permissions: [transactional.send] } ]
                    email: { smtp: { host: 127.0.0.1, port: %2$d, starttls: disabled, final_hop: true } }
                    events: { postback_url: "%3$s", signing_secret: "%4$s" }
                    campaigns:
                      - id: receipt
                        transactional: true
                        email: { app_id: a, from: "a@acme.test", subject: "Receipt", body: "<p>thanks</p>" }
                """.formatted(ApiKeyAuthenticator.sha256Hex(TX_KEY), relay.port(), postbacks.url("/postback"), SECRET,
                ApiKeyAuthenticator.sha256Hex(FINAL_HOP_KEY));
        var config = ConfigLoader.parse(GatewayFixture.yaml(dir, tx), SecretResolver.withEnvironment(Map.of()));
        gw = GatewayFixture.start(dir, config, new Herald.Overrides(clock, RandomGenerator.getDefault(), Optional.empty()));
    }

    @AfterEach
    void stop() {
        gw.close();
        postbacks.close();
        relay.close();
    }

    private GatewayFixture.Response send(String campaign, String body) throws Exception {
        return gw.post("/transactional/v1/campaigns/" + campaign + "/send", TX_KEY, body);
    }

    private List<JsonNode> postbacksFor(String dispatchId, int atLeast) {
        return Eventually.await(() -> {
            gw.herald.wakeScheduler();
            List<JsonNode> events = new java.util.ArrayList<>();
            for (HttpPeer.Received r : postbacks.received()) {
                JsonNode e = Json.parseOrEmpty(r.body());
                if (e.path("dispatch_id").asText().equals(dispatchId)) {
                    events.add(e);
                }
            }
            return events;
        }, events -> events.size() >= atLeast);
    }

    private static List<String> statuses(List<JsonNode> events) {
        return events.stream().map(e -> e.path("status").asText()).toList();
    }

    @Test
    void sendsPersonalisedMailAndPostsSignedSentThenProcessedInBrazesShape() throws Exception {
        var r = send("password-reset", """
                {"external_send_id":"abc123","trigger_properties":{"code":"771"},
                 "recipient":[{"external_user_id":"ana","attributes":{"email":"ana@example.test","first_name":"Ana"}}]}""");
        assertEquals(201, r.status(), r.raw());
        String id = r.json().path("dispatch_id").asText();
        assertEquals("success", r.message());
        assertEquals("queued", r.json().path("status").asText());
        assertEquals("abc123", r.json().path("metadata").path("external_send_id").asText());
        assertEquals("password-reset", r.json().path("metadata").path("campaign_api_id").asText());

        List<JsonNode> events = postbacksFor(id, 2);
        assertEquals(List.of("sent", "processed"), statuses(events));
        for (JsonNode e : events) {
            assertEquals("abc123", e.path("metadata").path("external_send_id").asText(), e.toString());
            assertEquals("password-reset", e.path("metadata").path("campaign_api_id").asText(), e.toString());
        }
        assertTrue(events.get(0).path("metadata").has("sent_at"), events.get(0).toString());
        assertTrue(events.get(1).path("metadata").has("processed_at"), events.get(1).toString());

        var verifier = new Webhook(SECRET);
        List<String> ids = new java.util.ArrayList<>();
        for (HttpPeer.Received p : postbacks.received()) {
            verifier.verify(p.body(), lowerCase(p.headers()));
            ids.add(p.header("webhook-id"));
        }
        assertEquals(ids.size(), ids.stream().distinct().count(), "every event has its own webhook-id");

        assertEquals(1, relay.received().size());
        String mail = relay.received().get(0);
        assertTrue(mail.contains("Subject: Reset for Ana"), mail);
        assertTrue(mail.contains("Code 771"), mail);
    }

    @Test
    void aFinalHopRelaysAcceptanceIsPostedAsDelivered() throws Exception {
        var r = gw.post("/transactional/v1/campaigns/receipt/send", FINAL_HOP_KEY, """
                {"recipient":{"external_user_id":"fh","attributes":{"email":"fh@example.test"}}}""");
        assertEquals(201, r.status(), r.raw());
        assertEquals(List.of("sent", "processed", "delivered"),
                statuses(postbacksFor(r.json().path("dispatch_id").asText(), 3)));
    }

    @Test
    void aRefusedPostbackIsRetriedUnderTheSameWebhookIdAndTheOrderHolds() throws Exception {
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        postbacks.answer(ex -> HttpPeer.reply(ex, calls.incrementAndGet() == 1 ? 503 : 200, Map.of(), "{}"));
        var r = send("password-reset", """
                {"recipient":{"external_user_id":"rt","attributes":{"email":"rt@example.test"}}}""");
        Eventually.until(() -> {
            clock.advance(Duration.ofSeconds(1)); // past the retry's backoff
            gw.herald.wakeScheduler();
            return postbacks.received().size() >= 3;
        });
        List<HttpPeer.Received> got = postbacks.received();
        assertEquals(3, got.size(), got.toString());
        assertEquals(got.get(0).header("webhook-id"), got.get(1).header("webhook-id"), "a retry keeps its id");
        List<String> order = got.stream().map(p -> {
            try {
                return Json.parse(p.body()).path("status").asText();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertEquals(List.of("sent", "sent", "processed"), order, "processed waits for sent");
        assertEquals(r.json().path("dispatch_id").asText(), Json.parse(got.get(2).body()).path("dispatch_id").asText());
    }

    @Test
    void aForgedSignatureDoesNotVerify() throws Exception {
        String id = send("password-reset", """
                {"trigger_properties":{"code":"1"},"recipient":{"external_user_id":"ana","attributes":{"email":"ana@example.test"}}}""")
                .json().path("dispatch_id").asText();
        postbacksFor(id, 2);
        HttpPeer.Received p = postbacks.received().get(0);
        var other = new Webhook("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]));
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> other.verify(p.body(), lowerCase(p.headers())));
    }

    @Test
    void aRepeatedExternalSendIdSendsOnceForTwentyFourHours() throws Exception {
        String body = """
                {"external_send_id":"k-1","trigger_properties":{"code":"5"},
                 "recipient":{"external_user_id":"ana","attributes":{"email":"ana@example.test"}}}""";
        var first = send("password-reset", body);
        var again = send("password-reset", body);
        assertEquals(201, again.status(), again.raw());
        String id = first.json().path("dispatch_id").asText();
        assertEquals(id, again.json().path("dispatch_id").asText());
        var otherBody = send("password-reset", "{\"external_send_id\":\"k-1\",\"trigger_properties\":{\"code\":\"6\"}}");
        assertEquals(201, otherBody.status(), "a repeat answers whatever its body: " + otherBody.raw());
        assertEquals(id, otherBody.json().path("dispatch_id").asText());
        postbacksFor(id, 2);
        assertEquals("sent", send("password-reset", body).json().path("status").asText(),
                "a repeat reports how the first send stands");
        assertEquals(1, relay.received().size());

        clock.advance(Duration.ofHours(25));
        var later = send("password-reset", body);
        assertEquals(201, later.status(), later.raw());
        assertNotEquals(id, later.json().path("dispatch_id").asText());
        postbacksFor(later.json().path("dispatch_id").asText(), 2);
        assertEquals(2, relay.received().size());
    }

    @Test
    void aUserWithoutAnEmailGetsAnAbortedPostbackWithTheReason() throws Exception {
        var r = send("password-reset", """
                {"external_send_id":"no-mail","recipient":{"external_user_id":"ghost"}}""");
        assertEquals(201, r.status(), r.raw());
        List<JsonNode> events = postbacksFor(r.json().path("dispatch_id").asText(), 1);
        assertEquals(List.of("aborted"), statuses(events));
        assertTrue(events.get(0).path("metadata").path("reason").asText().startsWith("User not emailable"),
                events.get(0).toString());
        assertEquals("no-mail", events.get(0).path("metadata").path("external_send_id").asText());
    }

    @Test
    void aBounceAtTheRelayPostsBouncedWithTheReplyAndMarksTheAddress() throws Exception {
        relay.answer(rcpt -> new RejectException(550, "5.1.1 <dead@example.test>: no such user"));
        var r = send("password-reset", """
                {"recipient":{"external_user_id":"dee","attributes":{"email":"dead@example.test"}}}""");
        List<JsonNode> events = postbacksFor(r.json().path("dispatch_id").asText(), 1);
        assertEquals(List.of("bounced"), statuses(events));
        assertTrue(events.get(0).path("metadata").path("reason").asText().contains("550"), events.get(0).toString());
        assertTrue(events.get(0).path("metadata").has("bounced_at"));
    }

    @Test
    void unsubscribedUsersStillGetTransactionalMail() throws Exception {
        var r = send("password-reset", """
                {"recipient":{"external_user_id":"uns","attributes":{"email":"uns@example.test",
                 "email_subscribe":"unsubscribed"}}}""");
        assertEquals(List.of("sent", "processed"), statuses(postbacksFor(r.json().path("dispatch_id").asText(), 2)));
    }

    @Test
    void badRequestsAreRefusedWithClearMessagesAndSendNothing() throws Exception {
        String ok = "{\"recipient\":{\"external_user_id\":\"ana\"}}";
        expect(send("nope", ok), 404, "Campaign does not exist");
        expect(send("newsletter", ok), 400, "transactional");
        expect(send("retired", ok), 400, "archived");
        expect(send("on-hold", ok), 400, "The campaign is paused");
        expect(send("password-reset", "{}"), 400, "recipient is required");
        expect(send("password-reset", "{\"recipient\":[{\"external_user_id\":\"a\"},{\"external_user_id\":\"b\"}]}"),
                400, "one recipient");
        expect(send("password-reset", "{\"recipient\":{\"external_user_id\":\"a\",\"user_alias\":"
                + "{\"alias_name\":\"x\",\"alias_label\":\"y\"}}}"), 400, "exactly one");
        expect(send("password-reset", "{\"external_send_id\":\"no spaces!\",\"recipient\":{\"external_user_id\":\"a\"}}"),
                400, "external_send_id");
        expect(send("password-reset", "{\"trigger_properties\":[1],\"recipient\":{\"external_user_id\":\"a\"}}"),
                400, "trigger_properties");
        expect(send("password-reset", "{\"recipient\":{\"external_user_id\":\"a\",\"attributes\":\"x\"}}"), 400,
                "attributes");
        expect(gw.post("/transactional/v1/campaigns/password-reset/send", GatewayFixture.KEY, ok), 403, "permission");
        assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM dispatch"));
    }

    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return out;
    }

    private static void expect(GatewayFixture.Response r, int status, String inMessage) {
        assertEquals(status, r.status(), r.raw());
        assertTrue(r.message().contains(inMessage), "'" + inMessage + "' not in " + r.raw());
        assertTrue(r.json().path("errors").isArray() || r.json().has("message"), r.raw());
    }
}
