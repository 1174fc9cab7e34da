package dev.herald.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The peer as any HTTP client sees it: a form POST to the Messages resource. */
final class TwilioPeerTest {
    private TwilioPeer twilio;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        twilio = new TwilioPeer();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        http.close();
        twilio.close();
    }

    private HttpResponse<String> create(String to, String... more) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("To", to);
        params.put("From", "+15005550006");
        for (int i = 0; i < more.length; i += 2) {
            params.put(more[i], more[i + 1]);
        }
        return http.send(HttpRequest.newBuilder(twilio.apiBase().resolve(TwilioPeer.MESSAGES_PATH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(TwilioPeer.encode(params))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void createsEachMessageWithAFreshSidAndRecordsTheRequest() throws Exception {
        var first = create("+15551230001", "Body", "Hi & bye");
        var second = create("+15551230002");

        assertEquals(201, first.statusCode());
        assertTrue(first.body().contains("\"sid\": \"SM00000000000000000000000000000001\""), first.body());
        assertTrue(second.body().contains("\"sid\": \"SM00000000000000000000000000000002\""), second.body());
        var request = twilio.receivedFor("+15551230001").get(0);
        assertEquals("POST", request.method());
        assertEquals(TwilioPeer.MESSAGES_PATH, request.path());
        assertEquals(List.of("Hi & bye"), request.form().get("Body"));
        assertEquals(Optional.of("SM00000000000000000000000000000001"), request.sid());
        assertTrue(request.header("content-type").startsWith("application/x-www-form-urlencoded"));
        assertEquals(2, twilio.received().size());
    }

    @Test
    void refusesWithTwilioErrorsOnceOrUntilToldOtherwise() throws Exception {
        twilio.refuse(20429, 429, Map.of("Retry-After", "7")).refuseOnce(21211, 400);

        var once = create("+15551230003");
        assertEquals(400, once.statusCode());
        assertTrue(once.body().contains("\"code\": 21211"), once.body());
        var standing = create("+15551230003");
        assertEquals(429, standing.statusCode());
        assertEquals(Optional.of("7"), standing.headers().firstValue("Retry-After"));
        assertEquals(Optional.empty(), twilio.received().get(1).sid(), "nothing was created");

        twilio.accept();
        assertEquals(201, create("+15551230003").statusCode());
        twilio.answer(502, Map.of("Content-Type", "text/html"), "<html>Bad Gateway</html>");
        assertEquals("<html>Bad Gateway</html>", create("+15551230003").body());
    }

    @Test
    void postsASignedStatusCallbackBeforeAnswering() throws Exception {
        var callbacks = new CompletableFuture<Map<String, String>>();
        HttpServer herald = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        herald.createContext("/cb", ex -> {
            var form = TwilioPeer.form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Map<String, String> params = new LinkedHashMap<>();
            form.forEach((k, v) -> params.put(k, v.get(0)));
            params.put("signature", ex.getRequestHeaders().getFirst("X-Twilio-Signature"));
            callbacks.complete(params);
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        herald.start();
        try {
            URI postTo = URI.create("http://127.0.0.1:" + herald.getAddress().getPort() + "/cb");
            String publicUrl = "https://herald.example.test/cb";
            twilio.callBackBeforeAnswering(postTo, "failed", "ErrorCode", "30005");

            var created = create("+15551230004", "StatusCallback", publicUrl);

            assertEquals(201, created.statusCode());
            var params = callbacks.get(5, TimeUnit.SECONDS);
            String signature = params.remove("signature");
            assertEquals(Map.of("MessageSid", twilio.received().get(0).sid().orElseThrow(), "AccountSid",
                    TwilioPeer.ACCOUNT_SID, "MessageStatus", "failed", "ErrorCode", "30005"), params);
            assertEquals(TwilioPeer.sign(TwilioPeer.AUTH_TOKEN, publicUrl, params), signature,
                    "signed over the StatusCallback Twilio was given, not where it was delivered");
        } finally {
            herald.stop(0);
        }
    }
}
