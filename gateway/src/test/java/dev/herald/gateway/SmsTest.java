package dev.herald.gateway;

import static dev.herald.gateway.SmsWorkspace.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.TwilioPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SMS end to end: {@code /users/track} phones and subscription groups, {@code /messages/send} with {@code sms},
 * delivered through the Twilio SDK to a loopback Twilio at {@code api_base}, with Twilio's refusals reaching the
 * delivery state and the directory.
 */
final class SmsTest {
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

    @AfterEach
    void createMessagesAgain() {
        twilio.accept();
    }

    /** Tracks {@code user} with {@code phone}, subscribed to {@code groups}. */
    static void track(GatewayFixture gw, String user, String phone, String... groups) throws Exception {
        var b = new StringBuilder("{\"attributes\":[{\"external_id\":\"" + user + "\",\"first_name\":\"Ana\"");
        if (phone != null) {
            b.append(",\"phone\":\"").append(phone).append('"');
        }
        b.append(",\"subscription_groups\":[");
        for (int i = 0; i < groups.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"subscription_group_id\":\"").append(groups[i].replace("!", ""))
                    .append("\",\"subscription_state\":\"").append(groups[i].startsWith("!") ? "unsubscribed"
                            : "subscribed").append("\"}");
        }
        var r = gw.post("/users/track", KEY, b.append("]}]}").toString());
        assertEquals(201, r.status(), r.raw());
        assertEquals(1, r.json().path("attributes_processed").asInt(), r.raw());
    }

    static String sms(String group, String body, String... users) {
        return "{\"external_user_ids\":[\"" + String.join("\",\"", users) + "\"],\"messages\":{\"sms\":{"
                + "\"subscription_group_id\":\"" + group + "\",\"app_id\":\"a\",\"body\":\"" + body + "\"}}}";
    }

    private static JsonNode only(String send) throws Exception {
        JsonNode status = gw.awaitStatus(KEY, gw.accept(KEY, send), GatewayFixture::settled);
        assertEquals(1, status.path("deliveries").size(), status.toString());
        return status.path("deliveries").get(0);
    }

    @Test
    void sendsOneFormPostWithBasicAuthAndAStatusCallbackUnderThePublicUrl() throws Exception {
        track(gw, "s1", "+15551230001", "alerts");

        JsonNode d = only(sms("alerts", "Hi {{${first_name}}}, your code is 42", "s1"));

        assertEquals("sent", d.path("status").asText(), d.toString());
        assertEquals("sms", d.path("channel").asText());
        assertEquals(1, d.path("attempts").asInt());
        var requests = twilio.receivedFor("+15551230001");
        assertEquals(1, requests.size(), "one attempt, one HTTP request");
        var request = requests.get(0);
        assertEquals("POST", request.method());
        assertEquals(TwilioPeer.MESSAGES_PATH, request.path());
        String credentials = TwilioPeer.ACCOUNT_SID + ":" + TwilioPeer.AUTH_TOKEN;
        assertEquals("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)),
                request.header("Authorization"));
        assertTrue(request.header("Content-Type").startsWith("application/x-www-form-urlencoded"));
        var form = request.form();
        assertEquals(List.of(SmsWorkspace.FROM), form.get("From"));
        assertEquals(List.of("Hi Ana, your code is 42"), form.get("Body"));
        assertEquals(List.of(SmsWorkspace.PUBLIC_URL + SmsWorkspace.CALLBACK_PATH), form.get("StatusCallback"));
        assertTrue(d.path("provider_message_id").asText().matches("SM[0-9a-f]{32}"), d.toString());
    }

    @Test
    void aMessagingServiceGroupSendsThroughTheService() throws Exception {
        track(gw, "s2", "+15551230002", "promo");

        assertEquals("sent", only(sms("promo", "Sale", "s2")).path("status").asText());

        var form = twilio.receivedFor("+15551230002").get(0).form();
        assertEquals(List.of(SmsWorkspace.SERVICE), form.get("MessagingServiceSid"));
        assertFalse(form.containsKey("From"), form.toString());
    }

    @Test
    void aPhoneThatIsNotE164IsAbortedWithTheReasonAndNeverSent() throws Exception {
        track(gw, "bad-phone", "not-a-number", "alerts");
        track(gw, "local-phone", "5551230003", "alerts");
        track(gw, "no-phone", null, "alerts");
        int before = twilio.received().size();

        JsonNode status = gw.awaitStatus(KEY, gw.accept(KEY, sms("alerts", "x", "bad-phone", "local-phone",
                "no-phone")), GatewayFixture::settled);

        for (JsonNode d : status.path("deliveries")) {
            assertEquals("aborted", d.path("status").asText(), d.toString());
            String reason = d.path("last_error").asText();
            if (d.path("recipient").asText().endsWith("no-phone")) {
                assertEquals("User not reachable by SMS: the profile has no phone number", reason);
            } else {
                assertTrue(reason.startsWith("User not reachable by SMS: \"") && reason.contains("is not an E.164 "
                        + "number"), reason);
            }
        }
        assertEquals(3, status.path("deliveries").size());
        assertEquals(before, twilio.received().size(), "nothing went to Twilio");
    }

    @Test
    void usersNotSubscribedToTheGroupAreSkippedUnlessTheSendIsForAll() throws Exception {
        track(gw, "s-other", "+15551230004", "promo");
        track(gw, "s-out", "+15551230005", "!alerts", "promo");

        JsonNode status = gw.awaitStatus(KEY, gw.accept(KEY, sms("alerts", "x", "s-other", "s-out")),
                GatewayFixture::settled);
        for (JsonNode d : status.path("deliveries")) {
            assertEquals("aborted", d.path("status").asText(), d.toString());
            assertEquals("User is not subscribed to SMS subscription group alerts", d.path("last_error").asText());
        }
        assertTrue(twilio.receivedFor("+15551230005").isEmpty());

        String forAll = sms("alerts", "x", "s-out").replace("\"messages\"",
                "\"recipient_subscription_state\":\"all\",\"messages\"");
        assertEquals("sent", only(forAll).path("status").asText());
    }

    @Test
    void aStopReplyFailsTheMessageAndUnsubscribesTheUserFromThatGroup() throws Exception {
        track(gw, "stop", "+15551230006", "alerts", "promo");
        twilio.refuse(21610, 400);

        JsonNode failed = only(sms("alerts", "x", "stop"));
        assertEquals("failed", failed.path("status").asText(), failed.toString());
        assertTrue(failed.path("last_error").asText().startsWith("Twilio 21610 (HTTP 400)"), failed.toString());

        twilio.accept();
        JsonNode skipped = only(sms("alerts", "x", "stop"));
        assertEquals("aborted", skipped.path("status").asText());
        assertEquals("User is not subscribed to SMS subscription group alerts", skipped.path("last_error").asText());
        assertEquals("sent", only(sms("promo", "x", "stop")).path("status").asText(), "other groups are unaffected");
        assertEquals(2, twilio.receivedFor("+15551230006").size());

        track(gw, "stop", "+15551230006", "alerts");
        assertEquals("sent", only(sms("alerts", "x", "stop")).path("status").asText(), "until they subscribe again");
    }

    @Test
    void anInvalidNumberBouncesAndIsMarkedUntilTrackedAgain() throws Exception {
        track(gw, "dead", "+15551230007", "alerts");
        twilio.refuse(21211, 400);

        JsonNode bounced = only(sms("alerts", "x", "dead"));
        assertEquals("bounced", bounced.path("status").asText(), bounced.toString());
        assertTrue(bounced.path("last_error").asText().startsWith("Twilio 21211 (HTTP 400)"), bounced.toString());

        twilio.accept();
        JsonNode skipped = only(sms("alerts", "x", "dead"));
        assertEquals("aborted", skipped.path("status").asText());
        assertTrue(skipped.path("last_error").asText().startsWith("User not reachable by SMS: +15551230007 was "
                + "refused"), skipped.toString());
        assertEquals(1, twilio.receivedFor("+15551230007").size());

        track(gw, "dead", "+15551230007", "alerts");
        assertEquals("sent", only(sms("alerts", "x", "dead")).path("status").asText(), "setting it again clears it");
    }

    @ParameterizedTest(name = "HTTP {1}")
    @CsvSource({"20500, 500, +15551230008", "20503, 503, +15551230009", "20429, 429, +15551230010"})
    void aTransientRefusalIsRetriedWithExactlyOneRequestPerAttempt(int code, int status, String phone)
            throws Exception {
        track(gw, "busy-" + status, phone, "alerts");
        twilio.refuseOnce(code, status);

        JsonNode d = only(sms("alerts", "x", "busy-" + status));

        assertEquals("sent", d.path("status").asText(), d.toString());
        assertEquals(2, d.path("attempts").asInt());
        // A 429 is a throttle (the sender pauses), a 5xx a failure: both retried once the pause or backoff is over.
        String prefix = status == 429 ? "throttled: " : "";
        assertTrue(d.path("last_error").asText().startsWith(prefix + "Twilio " + code + " (HTTP " + status + ")"),
                d.toString());
        assertEquals(2, twilio.receivedFor(phone).size(), "neither the SDK nor HttpClient retried");
    }
}
