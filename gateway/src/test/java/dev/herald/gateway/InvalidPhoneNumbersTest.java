package dev.herald.gateway;

import static dev.herald.gateway.ListsWorkspace.BARE_KEY;
import static dev.herald.gateway.ListsWorkspace.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.TwilioPeer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invalid phone number list end to end: Twilio's permanent refusal of a number (21211 invalid 'To') puts it on
 * the list as a provider error and stops later sends; {@code /sms/invalid_phone_numbers/remove} takes it off.
 */
final class InvalidPhoneNumbersTest {
    @TempDir
    static Path dir;
    private static RelayPeer relay;
    private static TwilioPeer twilio;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        relay = new RelayPeer();
        twilio = new TwilioPeer();
        gw = GatewayFixture.start(dir, ListsWorkspace.config(dir, relay.port(), twilio.apiBase().toString(), ""),
                Herald.Overrides.none());
    }

    @AfterAll
    static void stop() {
        gw.close();
        twilio.close();
        relay.close();
    }

    private static JsonNode only(String user) throws Exception {
        String send = "{\"external_user_ids\":[\"" + user + "\"],\"messages\":{\"sms\":{\"subscription_group_id\":"
                + "\"alerts\",\"body\":\"hi\"}}}";
        JsonNode status = gw.awaitStatus(KEY, gw.accept(KEY, send), GatewayFixture::settled);
        assertEquals(1, status.path("deliveries").size(), status.toString());
        return status.path("deliveries").get(0);
    }

    private static void track(String user, String phone) throws Exception {
        var r = gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"" + user + "\",\"phone\":\"" + phone
                + "\",\"subscription_groups\":[{\"subscription_group_id\":\"alerts\",\"subscription_state\":"
                + "\"subscribed\"}]}]}");
        assertEquals(201, r.status(), r.raw());
    }

    @Test
    void twiliosPermanentRefusalListsTheNumberUntilItIsRemoved() throws Exception {
        track("gone", "+15552220001");
        twilio.refuse(21211, 400);
        assertEquals("bounced", only("gone").path("status").asText());
        twilio.accept();

        JsonNode byNumber = gw.get("/sms/invalid_phone_numbers?phone_numbers[]=%2B15552220001&phone_numbers[]="
                + "%2B15552229999", KEY).json();
        assertEquals("success", byNumber.path("message").asText(), byNumber.toString());
        assertEquals(1, byNumber.path("sms").size(), byNumber.toString());
        JsonNode entry = byNumber.path("sms").get(0);
        assertEquals("+15552220001", entry.path("phone").asText());
        assertEquals("provider_error", entry.path("reason").asText());
        assertTrue(entry.hasNonNull("invalid_detected_at"));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertEquals(1, gw.get("/sms/invalid_phone_numbers?start_date=" + today + "&end_date=" + today, KEY).json()
                .path("sms").size());
        assertEquals(0, gw.get("/sms/invalid_phone_numbers?start_date=" + today + "&end_date=" + today
                + "&reason=deactivated", KEY).json().path("sms").size());
        assertEquals("aborted", only("gone").path("status").asText(), "a listed number is not texted");

        var removed = gw.post("/sms/invalid_phone_numbers/remove", KEY, "{\"phone_numbers\":[\"+15552220001\"]}");
        assertEquals(201, removed.status(), removed.raw());
        assertEquals(0, gw.get("/sms/invalid_phone_numbers?phone_numbers=%2B15552220001", KEY).json().path("sms")
                .size());
        assertEquals("sent", only("gone").path("status").asText());
        assertEquals(2, twilio.receivedFor("+15552220001").size());
    }

    @Test
    void badInputIsA400() throws Exception {
        assertEquals(400, gw.get("/sms/invalid_phone_numbers", KEY).status());
        assertEquals(400, gw.get("/sms/invalid_phone_numbers?start_date=2026-01-01&end_date=2026-01-02&reason=lost",
                KEY).status());
        assertEquals(400, gw.get("/sms/invalid_phone_numbers?phone_numbers[]=abc", KEY).status());
        assertEquals(400, gw.post("/sms/invalid_phone_numbers/remove", KEY, "{}").status());
        var bad = gw.post("/sms/invalid_phone_numbers/remove", KEY, "{\"phone_numbers\":[\"+15552220002\",\"x\"]}");
        assertEquals(400, bad.status());
        assertEquals("Invalid phone number", bad.message());
        assertEquals(403, gw.get("/sms/invalid_phone_numbers?phone_numbers=%2B15552220001", BARE_KEY).status());
        assertEquals(403, gw.post("/sms/invalid_phone_numbers/remove", BARE_KEY, "{\"phone_numbers\":[\"+1555\"]}")
                .status());
    }
}
