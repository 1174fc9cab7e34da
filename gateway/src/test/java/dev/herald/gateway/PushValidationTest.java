package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Push objects Braze refuses are refused with Braze's messages, as a JSON 400, and nothing is stored. */
final class PushValidationTest {
    private static final String LONG = "x".repeat(2000);
    private static final String LONGER = "x".repeat(4100);

    @TempDir
    static Path dir;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.start(dir);
        var r = gw.post("/users/track", GatewayFixture.SB_KEY, PushWorkspaces.tokens("p1", "ios-app", "aaaa1111",
                "droid", "cccc2222"));
        assertEquals(201, r.status(), r.raw());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @AfterEach
    void nothingWasStored() throws Exception {
        assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM dispatch"));
        assertEquals(0, GatewayFixture.count(dir, "SELECT COUNT(*) FROM delivery"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            apple too long      | sb   | {"apple_push":{"alert":"LONG"}}                           | Apple Push Length Exceeded    | the apple_push object is 2012 bytes, at most 1912
            android too long    | sb   | {"android_push":{"alert":"LONGER","title":"t"}}           | Android Push Length Exceeded  | the android_push object is 4124 bytes, at most 4000
            apple extra string  | sb   | {"apple_push":{"alert":"a","extra":"x"}}                  | Invalid Extra Push Payload    |
            android extra array | sb   | {"android_push":{"alert":"a","title":"t","extra":[1]}}    | Invalid Extra Push Payload    |
            apple extra ab      | sb   | {"apple_push":{"alert":"a","extra":{"ab":{"c":1}}}}       | Invalid Extra Push Payload    | extra may not contain the keys "ab" or "aps"
            apple extra aps     | sb   | {"apple_push":{"alert":"a","extra":{"aps":1}}}            | Invalid Extra Push Payload    | extra may not contain the keys "ab" or "aps"
            apple badge text    | sb   | {"apple_push":{"alert":"a","badge":"x"}}                  | messages.apple_push.badge must be a whole number |
            android ttl too big | sb   | {"android_push":{"alert":"a","title":"t","time_to_live":3000000}} | messages.android_push.time_to_live must be a whole number from 0 to 2419200 |
            no ios app          | acme | {"apple_push":{"alert":"a"}}                              | messages.apple_push: this workspace has no ios app configured (apps) |
            no android app      | acme | {"android_push":{"alert":"a","title":"t"}}                | messages.android_push: this workspace has no android app configured (apps) |
            """)
    void rejectsWithBrazesMessage(String name, String workspace, String messages, String message, String error)
            throws Exception {
        String key = workspace.equals("sb") ? GatewayFixture.SB_KEY : GatewayFixture.KEY;
        var r = gw.post("/messages/send", key, "{\"external_user_ids\":[\"p1\"],\"messages\":"
                + messages.replace("LONGER", LONGER).replace("LONG", LONG) + "}");
        assertEquals(400, r.status(), r.raw());
        assertEquals(message, r.message(), r.raw());
        if (error != null) {
            assertEquals(error, r.json().path("errors").get(0).asText(), r.raw());
        }
    }
}
