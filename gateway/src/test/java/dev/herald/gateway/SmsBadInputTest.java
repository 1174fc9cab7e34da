package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.testkit.TwilioPeer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An {@code sms} object Herald cannot send is a JSON 400 naming the problem, and nothing is stored. */
final class SmsBadInputTest {
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
    void nothingWasStoredOrSent() throws Exception {
        assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM dispatch"));
        assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM delivery"));
        assertTrue(twilio.received().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no group           | tw   | {"app_id":"a","body":"x"}                                        | messages.sms.subscription_group_id is required
            empty group        | tw   | {"subscription_group_id":"","body":"x"}                          | messages.sms.subscription_group_id is required
            group not a string | tw   | {"subscription_group_id":["alerts"],"body":"x"}                  | messages.sms.subscription_group_id must be a string
            unknown group      | tw   | {"subscription_group_id":"sg-9","body":"x"}                      | messages.sms.subscription_group_id: unknown subscription group "sg-9" (configure it under sms.subscription_groups)
            no body            | tw   | {"subscription_group_id":"alerts"}                               | messages.sms.body is required
            bad media          | tw   | {"subscription_group_id":"alerts","body":"x","media_items":["ftp://x/a.png"]} | messages.sms.media_items must be http(s) URLs, was "ftp://x/a.png"
            no sms provider    | acme | {"subscription_group_id":"alerts","body":"x"}                    | messages.sms: this workspace has no SMS provider configured (sms.twilio)
            """)
    void rejectsWithAClearMessage(String name, String workspace, String sms, String message) throws Exception {
        String key = workspace.equals("tw") ? SmsWorkspace.KEY : GatewayFixture.KEY;
        var r = gw.post("/messages/send", key, "{\"external_user_ids\":[\"u1\"],\"messages\":{\"sms\":" + sms + "}}");
        assertEquals(400, r.status(), r.raw());
        assertEquals(message, r.message(), r.raw());
        assertTrue(r.json().path("errors").isArray(), r.raw());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }
}
