package dev.herald.gateway;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SecretResolver;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's Messages API on loopback (the testkit's {@link HttpPeer}) at the workspace's {@code api_base}: creates
 * every message with a fresh SID (the default), or refuses every request with a Twilio error code, as the test
 * switches it. Also signs status callbacks the way Twilio does, and writes the workspace {@code tw}
 * ({@link #KEY}) whose account points here, with {@code server.public_url} = {@link #PUBLIC_URL}.
 */
final class TwilioPeer implements AutoCloseable {
    static final String KEY = "test-key-twilio";
    static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    static final String AUTH_TOKEN = "f00dfeed0123456789abcdef01234567";
    static final String MESSAGES_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";
    static final String FROM = "+15005550006";
    static final String SERVICE = "MG9752274e9e519418a7406176694466fa";
    /** Herald's public URL as Twilio sees it: behind a proxy, under a path prefix. */
    static final String PUBLIC_URL = "https://herald.example.test/gw";
    static final String CALLBACK_PATH = "/herald/v1/callbacks/twilio/tw";

    private final HttpPeer http;
    private final AtomicInteger sids = new AtomicInteger();

    TwilioPeer() throws IOException {
        http = new HttpPeer();
        accept();
    }

    /** The configuration with workspace {@code tw}: groups {@code alerts} (a number) and {@code promo} (a service). */
    HeraldConfig config(Path dir) {
        String workspace = """
                  - id: tw
                    api_keys: [ { name: tw, sha256: "%s", permissions: [messages.send, users.track] } ]
                    sms:
                      twilio: { account_sid: %s, auth_token: "%s", api_base: "http://127.0.0.1:%d" }
                      subscription_groups:
                        alerts: { from: "%s", mps: 100 }
                        promo: { messaging_service_sid: %s, mps: 100 }
                """.formatted(ApiKeyAuthenticator.sha256Hex(KEY), ACCOUNT_SID, AUTH_TOKEN, http.port(), FROM, SERVICE);
        String yaml = GatewayFixture.yaml(dir, workspace).replace("shutdown_timeout: 5s }",
                "shutdown_timeout: 5s, public_url: \"" + PUBLIC_URL + "/\" }");
        return ConfigLoader.parse(yaml, SecretResolver.withEnvironment(Map.of()));
    }

    /** Creates every message, answering 201 queued with a new Message SID. */
    void accept() {
        http.answer(ex -> HttpPeer.reply(ex, 201, Map.of("Content-Type", "application/json"),
                queued("SM%032x".formatted(sids.incrementAndGet()))));
    }

    /** Refuses every message with Twilio error {@code code} and HTTP {@code status}. */
    void refuse(int code, int status) {
        http.answer(status, Map.of("Content-Type", "application/json"), error(code, status));
    }

    /** Refuses the first request with Twilio error {@code code}, then creates messages again. */
    void refuseOnce(int code, int status) {
        AtomicInteger calls = new AtomicInteger();
        http.answer(ex -> {
            if (calls.incrementAndGet() == 1) {
                HttpPeer.reply(ex, status, Map.of("Content-Type", "application/json"), error(code, status));
            } else {
                HttpPeer.reply(ex, 201, Map.of("Content-Type", "application/json"),
                        queued("SM%032x".formatted(sids.incrementAndGet())));
            }
        });
    }

    /**
     * Creates every message, but first posts a signed status callback for it to {@code herald} and waits for the
     * answer, as Twilio can when its callback outruns the create call's response.
     */
    void callBackBeforeAnswering(java.net.URI herald, String status, String... more) {
        var client = java.net.http.HttpClient.newHttpClient();
        http.answer(ex -> {
            String sid = "SM%032x".formatted(sids.incrementAndGet());
            Map<String, String> params = new LinkedHashMap<>();
            params.put("MessageSid", sid);
            params.put("AccountSid", ACCOUNT_SID);
            params.put("MessageStatus", status);
            for (int i = 0; i < more.length; i += 2) {
                params.put(more[i], more[i + 1]);
            }
            try {
                client.send(java.net.http.HttpRequest.newBuilder(herald.resolve(CALLBACK_PATH))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Twilio-Signature", sign(AUTH_TOKEN, PUBLIC_URL + CALLBACK_PATH, params))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(encode(params))).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            HttpPeer.reply(ex, 201, Map.of("Content-Type", "application/json"), queued(sid));
        });
    }

    private static String queued(String sid) {
        return """
                {"account_sid": "%1$s", "api_version": "2010-04-01", "body": "x", "direction": "outbound-api",
                 "error_code": null, "error_message": null, "from": "%3$s", "num_media": "0", "num_segments": "1",
                 "sid": "%2$s", "status": "queued", "to": "+15558675310",
                 "uri": "/2010-04-01/Accounts/%1$s/Messages/%2$s.json"}
                """.formatted(ACCOUNT_SID, sid, FROM);
    }

    private static String error(int code, int status) {
        return """
                {"code": %1$d, "message": "Error %1$d from Twilio",
                 "more_info": "https://www.twilio.com/docs/errors/%1$d", "status": %2$d}
                """.formatted(code, status);
    }

    /** Every request so far. */
    List<HttpPeer.Received> received() {
        return http.received();
    }

    /** The requests that asked to send to {@code to}. */
    List<HttpPeer.Received> receivedFor(String to) {
        return http.received().stream().filter(r -> form(r.body()).getOrDefault("To", List.of()).contains(to))
                .toList();
    }

    /** A form-encoded body as name → values. */
    static Map<String, List<String>> form(String body) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return out;
    }

    /** Form-encodes callback parameters. */
    static String encode(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /**
     * Twilio's {@code X-Twilio-Signature}: Base64(HMAC-SHA1(auth token, URL + each parameter's name and value in
     * name order)), computed here independently of the SDK.
     */
    static String sign(String authToken, String url, Map<String, String> params) {
        var data = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
