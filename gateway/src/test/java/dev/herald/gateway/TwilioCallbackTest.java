package dev.herald.gateway;

import static dev.herald.gateway.SmsWorkspace.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.TwilioPeer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twilio status callbacks at {@code POST /herald/v1/callbacks/twilio/{workspace}}: signed over
 * {@code server.public_url} + path (not the address Herald listens on), matched to the delivery by Message SID,
 * moving it forward only.
 */
final class TwilioCallbackTest {
    @TempDir
    static Path dir;
    private static TwilioPeer twilio;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        twilio = new TwilioPeer();
        gw = GatewayFixture.start(dir, SmsWorkspace.config(dir, twilio), Herald.Overrides.none());
    }

    @AfterAll
    static void stop() {
        gw.close();
        twilio.close();
    }

    /** A message sent to a new user; returns its dispatch id once Twilio took it. */
    private static String sent(String user, String phone) throws Exception {
        SmsTest.track(gw, user, phone, "alerts");
        String id = gw.accept(KEY, SmsTest.sms("alerts", "x", user));
        gw.awaitStatus(KEY, id, s -> GatewayFixture.allDeliveries(s, "sent"));
        return id;
    }

    private static JsonNode delivery(String dispatchId) throws Exception {
        return gw.status(KEY, dispatchId).path("deliveries").get(0);
    }

    private static Map<String, String> callback(JsonNode delivery, String status, String... more) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("MessageSid", delivery.path("provider_message_id").asText());
        p.put("SmsSid", delivery.path("provider_message_id").asText());
        p.put("AccountSid", TwilioPeer.ACCOUNT_SID);
        p.put("From", SmsWorkspace.FROM);
        p.put("To", delivery.path("address").asText());
        p.put("MessageStatus", status);
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    /** Posts the callback as Twilio would, signed with the account's token over the public URL. */
    private static GatewayFixture.Response post(Map<String, String> params) throws Exception {
        return post("/herald/v1/callbacks/twilio/tw", params, TwilioPeer.sign(TwilioPeer.AUTH_TOKEN,
                SmsWorkspace.PUBLIC_URL + SmsWorkspace.CALLBACK_PATH, params));
    }

    private static GatewayFixture.Response post(String path, Map<String, String> params, String signature)
            throws Exception {
        var b = HttpRequest.newBuilder(gw.url(path))
                .POST(HttpRequest.BodyPublishers.ofString(TwilioPeer.encode(params)))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (signature != null) {
            b.header("X-Twilio-Signature", signature);
        }
        return gw.send(b.build());
    }

    @Test
    void aSignedDeliveredCallbackMovesSentToDelivered() throws Exception {
        String id = sent("cb-ok", "+15552220001");

        var r = post(callback(delivery(id), "delivered"));

        assertEquals(200, r.status(), r.raw());
        JsonNode d = delivery(id);
        assertEquals("delivered", d.path("status").asText(), d.toString());
        assertEquals("success", gw.status(KEY, id).path("message").asText());
    }

    @Test
    void aWrongSignatureIsForbiddenAndChangesNothing() throws Exception {
        String id = sent("cb-forged", "+15552220002");
        var params = callback(delivery(id), "failed", "ErrorCode", "30005");
        String url = SmsWorkspace.PUBLIC_URL + SmsWorkspace.CALLBACK_PATH;

        var forged = post(SmsWorkspace.CALLBACK_PATH, params, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        var otherToken = post(SmsWorkspace.CALLBACK_PATH, params, TwilioPeer.sign("another-token", url, params));
        var listenAddress = post(SmsWorkspace.CALLBACK_PATH, params, TwilioPeer.sign(TwilioPeer.AUTH_TOKEN,
                gw.url(SmsWorkspace.CALLBACK_PATH).toString(), params));
        var unsigned = post(SmsWorkspace.CALLBACK_PATH, params, null);

        for (var r : new GatewayFixture.Response[] {forged, otherToken, listenAddress, unsigned}) {
            assertEquals(403, r.status(), r.raw());
            assertTrue(r.message().startsWith("Forbidden"), r.raw());
        }
        assertEquals("sent", delivery(id).path("status").asText());
        SmsTest.track(gw, "cb-forged-next", "+15552220002", "alerts");
        assertEquals("sent", gw.awaitStatus(KEY, gw.accept(KEY, SmsTest.sms("alerts", "x", "cb-forged-next")),
                GatewayFixture::settled).path("deliveries").get(0).path("status").asText(), "the number is not marked");
    }

    @Test
    void aRepeatedCallbackIsHarmless() throws Exception {
        String id = sent("cb-dup", "+15552220003");
        var params = callback(delivery(id), "delivered");
        long deliveredBefore = smsUsage("delivered");
        long sentBefore = smsUsage("sent");

        assertEquals(200, post(params).status());
        JsonNode once = delivery(id);
        var again = post(params);

        assertEquals(200, again.status(), again.raw());
        JsonNode twice = delivery(id);
        assertEquals("delivered", twice.path("status").asText());
        assertEquals(once.path("updated_at").asText(), twice.path("updated_at").asText(), "nothing was written");
        assertEquals(deliveredBefore + 1, smsUsage("delivered"), "the delivery receipt counts once in the usage");
        assertEquals(sentBefore, smsUsage("sent"), "sent was counted when Twilio took it, not again");
    }

    /** The workspace's SMS usage count of one outcome, over every hour. */
    private static long smsUsage(String outcome) throws Exception {
        return GatewayFixture.count(dir, "SELECT COALESCE(SUM(" + outcome + "), 0) FROM usage_hour "
                + "WHERE workspace = 'tw' AND channel = 'sms'");
    }

    @Test
    void aLateSentCallbackNeverMovesDeliveredBack() throws Exception {
        String id = sent("cb-order", "+15552220004");
        JsonNode d = delivery(id);

        assertEquals(200, post(callback(d, "delivered")).status());
        assertEquals(200, post(callback(d, "sent")).status());
        assertEquals(200, post(callback(d, "undelivered", "ErrorCode", "30003")).status());

        JsonNode after = delivery(id);
        assertEquals("delivered", after.path("status").asText(), after.toString());
        assertTrue(after.path("last_error").isNull(), after.toString());
    }

    @Test
    void anUndeliveredCallbackRecordsTheErrorCode() throws Exception {
        String id = sent("cb-undelivered", "+15552220005");

        assertEquals(200, post(callback(delivery(id), "undelivered", "ErrorCode", "30003")).status());

        JsonNode d = delivery(id);
        assertEquals("undelivered", d.path("status").asText(), d.toString());
        assertEquals("Twilio undelivered (error 30003)", d.path("last_error").asText());
        assertEquals(200, post(callback(d, "delivered")).status());
        assertEquals("delivered", delivery(id).path("status").asText(), "a late delivery receipt still counts");
    }

    @Test
    void aFailedCallbackForAnUnknownDestinationBouncesAndMarksThePhone() throws Exception {
        String id = sent("cb-dead", "+15552220006");

        assertEquals(200, post(callback(delivery(id), "failed", "ErrorCode", "30005")).status());

        JsonNode d = delivery(id);
        assertEquals("bounced", d.path("status").asText(), d.toString());
        assertEquals("Twilio failed (error 30005)", d.path("last_error").asText());
        JsonNode next = gw.awaitStatus(KEY, gw.accept(KEY, SmsTest.sms("alerts", "x", "cb-dead")),
                GatewayFixture::settled).path("deliveries").get(0);
        assertEquals("aborted", next.path("status").asText());
        assertTrue(next.path("last_error").asText().contains("+15552220006 was refused (Twilio failed (error 30005))"),
                next.toString());
        assertEquals(1, twilio.receivedFor("+15552220006").size());
    }

    @Test
    void aFailedCallbackForAStopReplyUnsubscribesTheUser() throws Exception {
        String id = sent("cb-stop", "+15552220007");

        assertEquals(200, post(callback(delivery(id), "failed", "ErrorCode", "21610")).status());

        assertEquals("failed", delivery(id).path("status").asText());
        JsonNode next = gw.awaitStatus(KEY, gw.accept(KEY, SmsTest.sms("alerts", "x", "cb-stop")),
                GatewayFixture::settled).path("deliveries").get(0);
        assertEquals("User is not subscribed to SMS subscription group alerts", next.path("last_error").asText());
    }

    @Test
    void aCallbackThatOutrunsTheSendsOutcomeIsHeldAndApplied() throws Exception {
        try {
            twilio.callBackBeforeAnswering(gw.url(SmsWorkspace.CALLBACK_PATH), "delivered");
            SmsTest.track(gw, "cb-early", "+15558675401", "alerts");
            String id = gw.accept(KEY, SmsTest.sms("alerts", "x", "cb-early"));
            JsonNode d = gw.awaitStatus(KEY, id, s -> GatewayFixture.allDeliveries(s, "delivered")).path("deliveries")
                    .get(0);
            assertTrue(d.path("provider_message_id").asText().startsWith("SM"), d.toString());

            twilio.callBackBeforeAnswering(gw.url(SmsWorkspace.CALLBACK_PATH), "failed", "ErrorCode", "30005");
            SmsTest.track(gw, "cb-early-dead", "+15558675402", "alerts");
            String dead = gw.accept(KEY, SmsTest.sms("alerts", "x", "cb-early-dead"));
            JsonNode b = gw.awaitStatus(KEY, dead, s -> GatewayFixture.allDeliveries(s, "bounced")).path("deliveries")
                    .get(0);
            assertTrue(b.path("last_error").asText().contains("30005"), b.toString());
            assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM held_receipt WHERE provider_message_id IN ('"
                    + d.path("provider_message_id").asText() + "','" + b.path("provider_message_id").asText() + "')"));
        } finally {
            twilio.accept();
        }
    }

    @Test
    void callbacksForAnUnknownMessageOrWorkspaceChangeNothing() throws Exception {
        var unknownSid = Map.of("MessageSid", "SM" + "0".repeat(32), "MessageStatus", "delivered");
        var r = post(unknownSid);
        assertEquals(200, r.status(), r.raw());
        assertTrue(r.message().startsWith("held"), r.raw());

        var noAccount = post("/herald/v1/callbacks/twilio/acme", unknownSid, "x");
        assertEquals(404, noAccount.status(), noAccount.raw());
        var nowhere = post("/herald/v1/callbacks/twilio/nope", unknownSid, "x");
        assertEquals(404, nowhere.status(), nowhere.raw());
    }
}
