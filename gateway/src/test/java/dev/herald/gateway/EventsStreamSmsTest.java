package dev.herald.gateway;

import static dev.herald.gateway.SmsWorkspace.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.testkit.Eventually;
import dev.herald.testkit.TwilioPeer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event stream for SMS, on a loopback Twilio and a loopback connector: Twilio taking a message is an
 * {@code sms.Send} (with the number and the subscription group), its status callbacks a {@code sms.Delivery} or
 * {@code sms.DeliveryFailure} (with Twilio's error code), Twilio refusing the send a {@code sms.Rejection}, and a
 * user who cannot get SMS an {@code sms.Abort}.
 */
final class EventsStreamSmsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    static Path dir;
    private static TwilioPeer twilio;
    private static CurrentsPeer currents;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        twilio = new TwilioPeer();
        currents = new CurrentsPeer();
        String events = """
                    events:
                      currents: { url: "%s", token: tok-sms, flush_interval: 100ms }
                """.formatted(currents.url());
        gw = GatewayFixture.start(dir, ConfigLoader.parse(SmsWorkspace.yaml(dir, twilio, events),
                SecretResolver.withEnvironment(Map.of())), Herald.Overrides.none());
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        currents.close();
        twilio.close();
    }

    @AfterEach
    void createMessagesAgain() {
        twilio.accept();
    }

    private static JsonNode await(String type, String user) {
        Eventually.until(WAIT, type + " for " + user, () -> !currents.events(type, user).isEmpty());
        return currents.events(type, user).get(0);
    }

    /** The event types the connector took for {@code user}, in the order they came. */
    private static List<String> typesFor(String user) {
        return currents.events().stream().filter(e -> e.path("user").path("external_user_id").asText().equals(user))
                .map(e -> e.path("event_type").asText()).toList();
    }

    /** A message to a new user in {@code alerts}, settled; returns its only delivery. */
    private static JsonNode sent(String user, String phone) throws Exception {
        SmsTest.track(gw, user, phone, "alerts");
        String id = gw.accept(KEY, SmsTest.sms("alerts", "x", user));
        JsonNode status = gw.awaitStatus(KEY, id, GatewayFixture::settled);
        assertEquals(1, status.path("deliveries").size(), status.toString());
        return status.path("deliveries").get(0);
    }

    /** Posts Twilio's status callback for {@code delivery}, signed with the account's token over the public URL. */
    private static void callback(JsonNode delivery, String status, String... more) throws Exception {
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
        var r = gw.send(HttpRequest.newBuilder(gw.url(SmsWorkspace.CALLBACK_PATH))
                .POST(HttpRequest.BodyPublishers.ofString(TwilioPeer.encode(p)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", TwilioPeer.sign(TwilioPeer.AUTH_TOKEN,
                        SmsWorkspace.PUBLIC_URL + SmsWorkspace.CALLBACK_PATH, p))
                .build());
        assertEquals(200, r.status(), r.raw());
    }

    @Test
    void aSendIsAnSmsSendWithTheNumberAndGroupAndADeliveredCallbackASmsDelivery() throws Exception {
        JsonNode d = sent("ev-sms-ok", "+15553330001");
        assertEquals("sent", d.path("status").asText(), d.toString());

        JsonNode send = await("users.messages.sms.Send", "ev-sms-ok");
        assertEquals("+15553330001", send.path("properties").path("to_phone_number").asText(), send.toString());
        assertEquals("alerts", send.path("properties").path("subscription_group_id").asText(), send.toString());
        assertEquals("tw", send.path("properties").path("app_group_id").asText());
        assertFalse(send.path("user").path("user_id").asText().isEmpty(), "a tracked user has Herald's id: " + send);
        String dispatch = send.path("properties").path("dispatch_id").asText();

        callback(d, "delivered");
        JsonNode delivered = await("users.messages.sms.Delivery", "ev-sms-ok");
        assertEquals("+15553330001", delivered.path("properties").path("to_phone_number").asText());
        assertEquals(dispatch, delivered.path("properties").path("dispatch_id").asText());
        assertEquals(List.of("users.messages.sms.Send", "users.messages.sms.Delivery"), typesFor("ev-sms-ok"),
                "the Send first, and a Delivery once");
    }

    @Test
    void undeliveredAndFailedCallbacksAreDeliveryFailuresWithTwiliosErrorCode() throws Exception {
        JsonNode undelivered = sent("ev-sms-undelivered", "+15553330002");
        JsonNode dead = sent("ev-sms-dead", "+15553330003");

        callback(undelivered, "undelivered", "ErrorCode", "30003");
        callback(dead, "failed", "ErrorCode", "30005");

        JsonNode u = await("users.messages.sms.DeliveryFailure", "ev-sms-undelivered");
        assertEquals("30003", u.path("properties").path("provider_error_code").asText(), u.toString());
        assertEquals("Twilio undelivered (error 30003)", u.path("properties").path("error").asText());
        assertEquals("+15553330002", u.path("properties").path("to_phone_number").asText());
        JsonNode f = await("users.messages.sms.DeliveryFailure", "ev-sms-dead");
        assertEquals("30005", f.path("properties").path("provider_error_code").asText(), f.toString());
        assertEquals("Twilio failed (error 30005)", f.path("properties").path("error").asText());
        assertEquals(List.of("users.messages.sms.Send", "users.messages.sms.DeliveryFailure"),
                typesFor("ev-sms-undelivered"));
        assertEquals(List.of("users.messages.sms.Send", "users.messages.sms.DeliveryFailure"),
                typesFor("ev-sms-dead"));
    }

    @Test
    void twilioRefusingTheSendIsARejectionWithItsCodeAndNoSend() throws Exception {
        SmsTest.track(gw, "ev-sms-invalid", "+15553330004", "alerts");
        twilio.refuse(21211, 400);
        String id = gw.accept(KEY, SmsTest.sms("alerts", "x", "ev-sms-invalid"));
        JsonNode d = gw.awaitStatus(KEY, id, GatewayFixture::settled).path("deliveries").get(0);
        assertEquals("bounced", d.path("status").asText(), d.toString());

        JsonNode rejection = await("users.messages.sms.Rejection", "ev-sms-invalid");
        assertEquals("21211", rejection.path("properties").path("provider_error_code").asText(),
                rejection.toString());
        assertTrue(rejection.path("properties").path("error").asText().startsWith("Twilio 21211 (HTTP 400)"),
                rejection.toString());
        assertEquals("+15553330004", rejection.path("properties").path("to_phone_number").asText());
        assertEquals(List.of("users.messages.sms.Rejection"), typesFor("ev-sms-invalid"), "Twilio never took it");
    }

    @Test
    void aUserWhoCannotGetSmsIsAnAbortNotReachable() throws Exception {
        SmsTest.track(gw, "ev-sms-nophone", null, "alerts");
        SmsTest.track(gw, "ev-sms-unsubscribed", "+15553330005", "!alerts");
        String id = gw.accept(KEY, SmsTest.sms("alerts", "x", "ev-sms-nophone", "ev-sms-unsubscribed"));
        gw.awaitStatus(KEY, id, s -> GatewayFixture.allDeliveries(s, "aborted"));

        JsonNode noPhone = await("users.messages.sms.Abort", "ev-sms-nophone");
        assertEquals("user_not_reachable", noPhone.path("properties").path("abort_type").asText(), noPhone.toString());
        assertEquals("User not reachable by SMS: the profile has no phone number",
                noPhone.path("properties").path("abort_log").asText());
        assertFalse(noPhone.path("properties").has("to_phone_number"), "no number to name: " + noPhone);
        assertEquals(id, noPhone.path("properties").path("dispatch_id").asText());

        JsonNode unsubscribed = await("users.messages.sms.Abort", "ev-sms-unsubscribed");
        assertEquals("user_not_reachable", unsubscribed.path("properties").path("abort_type").asText());
        assertEquals("User is not subscribed to SMS subscription group alerts",
                unsubscribed.path("properties").path("abort_log").asText(), unsubscribed.toString());
        assertTrue(currents.events("users.messages.sms.Send", "ev-sms-nophone").isEmpty());
    }
}
