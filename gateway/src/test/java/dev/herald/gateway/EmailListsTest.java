package dev.herald.gateway;

import static dev.herald.gateway.ListsWorkspace.BARE_KEY;
import static dev.herald.gateway.ListsWorkspace.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.RejectException;

/**
 * Email state by address end to end: the relay's permanent refusals feed the hard-bounce list, {@code /email/status}
 * and the blocklist feed the unsubscribe list, and every send honours them; bad input changes nothing.
 */
final class EmailListsTest {
    @TempDir
    static Path dir;
    private static RelayPeer relay;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        relay = new RelayPeer();
        gw = GatewayFixture.start(dir, ListsWorkspace.config(dir, relay.port(), null, ""), Herald.Overrides.none());
    }

    @AfterAll
    static void stop() {
        gw.close();
        relay.close();
    }

    @AfterEach
    void acceptMailAgain() {
        relay.answer(r -> null);
    }

    static String emailTo(String user, String state) {
        return "{\"external_user_ids\":[\"" + user + "\"]," + (state == null ? "" : "\"recipient_subscription_state\":\""
                + state + "\",") + "\"messages\":{\"email\":{\"app_id\":\"a\",\"from\":\"Acme <no-reply@acme.test>\","
                + "\"subject\":\"s\",\"body\":\"<p>b</p>\"}}}";
    }

    private static void track(String user, String email) throws Exception {
        var r = gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"" + user + "\",\"email\":\"" + email
                + "\"}]}");
        assertEquals(201, r.status(), r.raw());
    }

    private static JsonNode only(String send) throws Exception {
        JsonNode status = gw.awaitStatus(KEY, gw.accept(KEY, send), GatewayFixture::settled);
        assertEquals(1, status.path("deliveries").size(), status.toString());
        return status.path("deliveries").get(0);
    }

    private static GatewayFixture.Response post(String path, String json) throws Exception {
        return gw.post(path, KEY, json);
    }

    private static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    @Test
    void aRelaysPermanentRefusalIsAHardBounceThatStopsEverySendUntilRemoved() throws Exception {
        track("dead", "Dead@Example.test");
        relay.answer(r -> r.startsWith("dead@") ? new RejectException(550, "5.1.1 <dead@example.test>: no such user")
                : null);
        JsonNode bounced = only(emailTo("dead", null));
        assertEquals("bounced", bounced.path("status").asText(), bounced.toString());

        JsonNode byAddress = gw.get("/email/hard_bounces?email=dead@example.test", KEY).json();
        assertEquals("success", byAddress.path("message").asText());
        assertEquals(1, byAddress.path("emails").size(), byAddress.toString());
        assertEquals("dead@example.test", byAddress.path("emails").get(0).path("email").asText());
        Instant at = Instant.parse(byAddress.path("emails").get(0).path("hard_bounced_at").asText());
        assertTrue(Duration.between(at, Instant.now()).abs().toMinutes() < 5, at.toString());
        JsonNode byDate = gw.get("/email/hard_bounces?start_date=" + today() + "&end_date=" + today(), KEY).json();
        assertTrue(byDate.toString().contains("dead@example.test"), byDate.toString());

        relay.answer(r -> null);
        JsonNode forAll = only(emailTo("dead", "all"));
        assertEquals("aborted", forAll.path("status").asText(), "even a send for all users (transactional)");
        assertTrue(forAll.path("last_error").asText().contains("hard bounced"), forAll.toString());
        track("dead", "dead@example.test");
        assertEquals("aborted", only(emailTo("dead", null)).path("status").asText(),
                "the address stays on the bounce list when a profile sets it again");

        assertEquals(201, post("/email/bounce/remove", "{\"email\":\"dead@example.test\"}").status());
        assertEquals(0, gw.get("/email/hard_bounces?email=dead@example.test", KEY).json().path("emails").size());
        assertEquals("sent", only(emailTo("dead", null)).path("status").asText());
    }

    @Test
    void aStateSetByAddressAppliesToProfilesNowAndLater() throws Exception {
        track("early", "early@example.test");
        var r = post("/email/status", "{\"email\":[\"early@example.test\",\"LATE@example.test\"],"
                + "\"subscription_state\":\"unsubscribed\"}");
        assertEquals(201, r.status(), r.raw());
        assertEquals("success", r.message());
        track("late", "late@example.test");
        for (String user : new String[] {"early", "late"}) {
            JsonNode skipped = only(emailTo(user, null));
            assertEquals("User is unsubscribed from email", skipped.path("last_error").asText(), skipped.toString());
            assertEquals("sent", only(emailTo(user, "all")).path("status").asText(), "transactional sends still go");
        }
        JsonNode listed = gw.get("/email/unsubscribes?email=late@example.test", KEY).json();
        assertEquals("late@example.test", listed.path("emails").get(0).path("email").asText(), listed.toString());
        assertTrue(listed.path("emails").get(0).hasNonNull("unsubscribed_at"));

        assertEquals(201, post("/email/status", "{\"email\":\"late@example.test\",\"subscription_state\":\"opted_in\"}")
                .status());
        assertEquals("sent", only(emailTo("late", "opted_in")).path("status").asText());
        assertEquals(0, gw.get("/email/unsubscribes?email=late@example.test", KEY).json().path("emails").size());
    }

    @Test
    void anUnsubscribeThroughUsersTrackIsListedToo() throws Exception {
        var r = gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"ut\",\"email\":\"ut@example.test\","
                + "\"email_subscribe\":\"unsubscribed\"}]}");
        assertEquals(201, r.status(), r.raw());
        assertEquals(1, gw.get("/email/unsubscribes?email=ut@example.test", KEY).json().path("emails").size());
        gw.post("/users/track", KEY, "{\"attributes\":[{\"external_id\":\"ut\",\"email_subscribe\":\"subscribed\"}]}");
        assertEquals(0, gw.get("/email/unsubscribes?email=ut@example.test", KEY).json().path("emails").size());
        assertEquals("sent", only(emailTo("ut", null)).path("status").asText());
    }

    @Test
    void theBlocklistAndItsLegacyNameUnsubscribeAndBounce() throws Exception {
        track("b1", "b1@example.test");
        track("b2", "b2@example.test");
        assertEquals(201, post("/email/blocklist", "{\"email\":[\"b1@example.test\"]}").status());
        assertEquals(201, post("/email/blacklist", "{\"email\":\"b2@example.test\"}").status());
        for (String user : new String[] {"b1", "b2"}) {
            JsonNode d = only(emailTo(user, "all"));
            assertEquals("aborted", d.path("status").asText());
            assertTrue(d.path("last_error").asText().contains("blocklisted"), d.toString());
            String email = user + "@example.test";
            assertEquals(1, gw.get("/email/unsubscribes?email=" + email, KEY).json().path("emails").size());
            assertEquals(1, gw.get("/email/hard_bounces?email=" + email, KEY).json().path("emails").size());
        }
        assertEquals(201, post("/email/bounce/remove", "{\"email\":[\"b1@example.test\"]}").status());
        assertEquals("aborted", only(emailTo("b1", null)).path("status").asText(), "still unsubscribed");
        assertEquals("sent", only(emailTo("b1", "all")).path("status").asText(), "no longer blocked");
    }

    @Test
    void spamRemovalIsAnsweredAndValidated() throws Exception {
        var r = post("/email/spam/remove", "{\"email\":[\"s@example.test\"]}");
        assertEquals(201, r.status(), r.raw());
        assertEquals(400, post("/email/spam/remove", "{\"email\":\"nope\"}").status());
    }

    @Test
    void badInputIsABrazeStyle400AndChangesNothing() throws Exception {
        var invalid = post("/email/status", "{\"email\":[\"ok@example.test\",\"not-an-email\"],"
                + "\"subscription_state\":\"unsubscribed\"}");
        assertEquals(400, invalid.status(), invalid.raw());
        assertEquals("Invalid email address", invalid.message());
        assertTrue(invalid.json().path("errors").get(0).asText().contains("not-an-email"), invalid.raw());
        assertEquals(0, gw.get("/email/unsubscribes?email=ok@example.test", KEY).json().path("emails").size(),
                "nothing of a refused request is applied");

        assertEquals(400, post("/email/status", "{\"email\":\"a@example.test\",\"subscription_state\":\"maybe\"}")
                .status());
        assertEquals(400, post("/email/status", "{\"subscription_state\":\"subscribed\"}").status());
        assertEquals(400, post("/email/status", "{\"email\":{\"a\":1},\"subscription_state\":\"subscribed\"}").status());
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add("\"u" + i + "@example.test\"");
        }
        var tooMany = post("/email/blocklist", "{\"email\":[" + String.join(",", many) + "]}");
        assertEquals(400, tooMany.status());
        assertEquals("The max number of ids per request was exceeded", tooMany.message());
        for (String query : new String[] {"", "?end_date=2026-01-01", "?start_date=2026-13-01&end_date=2026-01-01",
                "?start_date=2026-02-01&end_date=2026-01-01", "?start_date=2026-01-01&end_date=2026-01-02&limit=501",
                "?start_date=2026-01-01&end_date=2026-01-02&offset=-1", "?email=x"}) {
            var r = gw.get("/email/hard_bounces" + query, KEY);
            assertEquals(400, r.status(), query + " " + r.raw());
            assertTrue(r.json().hasNonNull("message"));
        }
        assertEquals(400, gw.get("/email/unsubscribes?start_date=2026-01-01&end_date=2026-01-02&sort_direction=up",
                KEY).status());
    }

    @Test
    void eachEndpointNeedsItsBrazePermission() throws Exception {
        for (String path : new String[] {"/email/status", "/email/bounce/remove", "/email/spam/remove",
                "/email/blocklist", "/email/blacklist"}) {
            assertEquals(403, gw.post(path, BARE_KEY, "{\"email\":\"a@example.test\"}").status(), path);
        }
        assertEquals(403, gw.get("/email/unsubscribes?email=a@example.test", BARE_KEY).status());
        assertEquals(403, gw.get("/email/hard_bounces?email=a@example.test", BARE_KEY).status());
    }

    @Test
    void theListsPageByUtcDayNewestFirst(@TempDir Path own) throws Exception {
        var clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        try (var relay2 = new RelayPeer(); var g = GatewayFixture.start(own,
                ListsWorkspace.config(own, relay2.port(), null, ""), GatewayFixture.clock(clock))) {
            for (String who : new String[] {"a", "b", "c"}) {
                assertEquals(201, g.post("/email/status", KEY, "{\"email\":\"" + who + "@example.test\","
                        + "\"subscription_state\":\"unsubscribed\"}").status());
                clock.advance(Duration.ofDays(1));
            }
            assertEquals(List.of("b", "a"), names(g.get("/email/unsubscribes?start_date=2026-03-01&end_date=2026-03-02",
                    KEY).json()));
            assertEquals(List.of("a", "b"), names(g.get("/email/unsubscribes?start_date=2026-03-01&end_date=2026-03-02"
                    + "&sort_direction=asc", KEY).json()));
            assertEquals(List.of("b"), names(g.get("/email/unsubscribes?start_date=2026-03-01&end_date=2026-03-03"
                    + "&limit=1&offset=1", KEY).json()));
            assertEquals(List.of("c"), names(g.get("/email/unsubscribes?start_date=2026-03-03&end_date=2026-03-03",
                    KEY).json()));
            assertEquals(201, g.post("/email/blocklist", KEY, "{\"email\":\"a@example.test\"}").status());
            JsonNode bounces = g.get("/email/hard_bounces?start_date=2026-03-04&end_date=2026-03-04", KEY).json();
            assertEquals(List.of("a"), names(bounces));
            assertEquals("2026-03-04T10:00:00Z", bounces.path("emails").get(0).path("hard_bounced_at").asText());
            assertEquals("2026-03-01T10:00:00Z", g.get("/email/unsubscribes?email=a@example.test", KEY).json()
                    .path("emails").get(0).path("unsubscribed_at").asText(), "still unsubscribed since the first time");
        }
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("emails").forEach(e -> out.add(e.path("email").asText().replace("@example.test", "")));
        return out;
    }
}
