package dev.herald.gateway;

import static dev.herald.gateway.GatewayFixture.KEY;
import static dev.herald.gateway.GatewayFixture.RO_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad request gets a JSON 4xx with a clear message, and nothing is stored for it. */
final class BadInputTest {
    private static final String HOOK = "\"webhook\":{\"url\":\"http://127.0.0.1:9/h\",\"request_method\":\"POST\"}";

    @TempDir
    static Path dir;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        gw = GatewayFixture.start(dir);
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
            malformed JSON        | {"external_user_ids":["u1"],                                   | 400 | Bad Request: the body is not valid JSON
            not an object         | [1,2]                                                          | 400 | Bad Request: the body must be a JSON object
            empty body            | '   '                                                          | 400 | Bad Request: the body must be a JSON object, and it is empty
            ids not strings       | {"external_user_ids":[1],"messages":{HOOK}}                    | 400 | external_user_ids must be an array of non-empty strings
            alias without label   | {"user_aliases":[{"alias_name":"a"}],"messages":{HOOK}}        | 400 | user_aliases must be objects with alias_name and alias_label strings
            no recipients         | {"messages":{HOOK}}                                            | 400 | No Recipients
            no messages           | {"external_user_ids":["u1"]}                                   | 400 | No message to send
            empty messages        | {"external_user_ids":["u1"],"messages":{}}                     | 400 | No message to send
            messages not object   | {"external_user_ids":["u1"],"messages":[1]}                    | 400 | messages must be an object of messaging objects
            broadcast with ids    | {"broadcast":"true","external_user_ids":["u1"],"messages":{HOOK}} | 400 | broadcast cannot be true when external_user_ids or user_aliases are given
            bad boolean           | {"broadcast":"maybe","external_user_ids":["u1"],"messages":{HOOK}} | 400 | broadcast must be a boolean (true or false)
            unknown object        | {"external_user_ids":["u1"],"messages":{"webhok":{}}}          | 400 | Unknown messaging object "webhok" in messages
            not delivered yet     | {"external_user_ids":["u1"],"messages":{"web_push":{"alert":"x"}}} | 400 | Herald does not deliver web_push messages yet; nothing was sent
            webhook without url   | {"external_user_ids":["u1"],"messages":{"webhook":{"request_method":"POST"}}} | 400 | messages.webhook.url is required
            webhook bad url       | {"external_user_ids":["u1"],"messages":{"webhook":{"url":"ftp://x/","request_method":"POST"}}} | 400 | messages.webhook.url must be an absolute http(s) URL, was "ftp://x/"
            webhook no method     | {"external_user_ids":["u1"],"messages":{"webhook":{"url":"http://x/"}}} | 400 | messages.webhook.request_method is required (POST, PUT, DELETE or GET)
            webhook bad method    | {"external_user_ids":["u1"],"messages":{"webhook":{"url":"http://x/","request_method":"TRACE"}}} | 400 | messages.webhook.request_method must be POST, PUT, DELETE, PATCH or GET, was TRACE
            webhook header type   | {"external_user_ids":["u1"],"messages":{"webhook":{"url":"http://x/","request_method":"POST","request_headers":["a"]}}} | 400 | messages.webhook.request_headers must be an object of header names to values
            header injection      | {"external_user_ids":["u1"],"messages":{"webhook":{"url":"http://x/","request_method":"POST","request_headers":{"X":"a\\r\\nB: c"}}}} | 400 | messages.webhook.request_headers.X must not contain line breaks
            bad subscription state | {"external_user_ids":["u1"],"recipient_subscription_state":"maybe","messages":{HOOK}} | 400 | recipient_subscription_state must be opted_in, subscribed or all, was maybe
            """)
    void rejectsWithBrazeEnvelope(String name, String body, int status, String message) throws Exception {
        var r = gw.post("/messages/send", KEY, body.replace("{HOOK}", "{" + HOOK + "}"));
        assertEquals(status, r.status(), r.raw());
        assertTrue(r.message().startsWith(message), r.raw());
        assertTrue(r.json().path("errors").isArray(), r.raw());
    }

    @Test
    void rejectsLiquidThatDoesNotParseNamingTheField() throws Exception {
        for (String body : new String[] {"hi {{ ${first_name}", "{% if x %}never closed"}) {
            var r = gw.post("/messages/send", KEY, "{\"external_user_ids\":[\"u1\"],\"messages\":{\"webhook\":"
                    + "{\"url\":\"http://h.example/\",\"request_method\":\"POST\",\"body\":\"" + body + "\"}}}");
            assertEquals(400, r.status(), r.raw());
            assertTrue(r.message().startsWith("messages.webhook.body is not valid Liquid: "), r.raw());
        }
    }

    @Test
    void rejectsFiftyOneRecipients() throws Exception {
        String ids = IntStream.range(0, 51).mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(","));
        var r = gw.post("/messages/send", KEY, "{\"external_user_ids\":[" + ids + "],\"messages\":{" + HOOK + "}}");
        assertEquals(400, r.status());
        assertEquals("The max number of external_ids and aliases per request was exceeded", r.message());
    }

    @Test
    void rejectsMissingWrongAndUnderprivilegedKeys() throws Exception {
        String body = "{\"external_user_ids\":[\"u1\"],\"messages\":{" + HOOK + "}}";
        for (String key : new String[] {null, "wrong-key", "\"" + KEY + "\""}) {
            var r = gw.post("/messages/send", key, body);
            assertEquals(401, r.status(), String.valueOf(key));
            assertEquals("Error authenticating credentials", r.message());
        }
        var forbidden = gw.post("/messages/send", RO_KEY, body);
        assertEquals(403, forbidden.status());
        assertEquals("You do not have permission to access this resource", forbidden.message());
    }

    @Test
    void answersUnknownPathsAndWrongMethodsInJson() throws Exception {
        var notFound = gw.post("/no/such/path", KEY, "{}");
        assertEquals(404, notFound.status());
        assertEquals("Not Found: there is no endpoint at /no/such/path", notFound.message());
        var wrongMethod = gw.get("/messages/send", KEY);
        assertEquals(405, wrongMethod.status());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());
        var put = gw.send(HttpRequest.newBuilder(gw.url("/messages/send")).PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
        assertEquals(405, put.status());
    }

    @Test
    void rejectsAnOversizedBodyWith413() throws Exception {
        String big = "{\"external_user_ids\":[\"u1\"],\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
        var r = gw.post("/messages/send", KEY, big);
        assertEquals(413, r.status());
        assertTrue(r.message().startsWith("Request Entity Too Large"), r.raw());
    }

    @Test
    void answersMalformedHttpWithJson() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.herald.apiPort())) {
            OutputStream out = s.getOutputStream();
            out.write("NOT-HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(answer.contains("{\"message\":\"Bad Request: malformed HTTP request\""), answer);
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.herald.apiPort())) {
            String one = "GET /herald/v1/dispatches/a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY + "\r\n\r\n";
            String two = "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write((one + two).getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int first = answer.indexOf("Dispatch not found");
            int second = answer.indexOf("there is no endpoint at /nope");
            assertTrue(first > 0 && second > first, answer);
        }
    }
}
