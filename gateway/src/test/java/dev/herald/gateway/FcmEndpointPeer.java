package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.testkit.HttpPeer;
import dev.herald.gateway.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FCM HTTP v1 on loopback (the testkit's {@link HttpPeer}), reached through an app's {@code fcm.endpoint}. It
 * answers every {@code POST /v1/projects/{project}/messages:send} the same way, as the test switches it: accepted
 * with a fresh message id (the default), 404 UNREGISTERED, or 503 UNAVAILABLE with {@code Retry-After: 1}. Error
 * bodies are FCM's v1 shape. (One answer for all requests: {@link HttpPeer} hands its responder the exchange
 * only, and sends to several tokens run concurrently.)
 */
final class FcmEndpointPeer implements AutoCloseable {
    private final HttpPeer http;
    private final AtomicInteger ids = new AtomicInteger();

    FcmEndpointPeer() throws IOException {
        this(0);
    }

    /** A peer on {@code port}, e.g. to bring FCM back where it was. */
    FcmEndpointPeer(int port) throws IOException {
        http = new HttpPeer(port);
        accept();
    }

    /** Accepts every message with a new id, {@code projects/{project}/messages/0:N}. */
    void accept() {
        http.answer(ex -> {
            String project = ex.getRequestURI().getPath().replaceAll("^/v1/projects/([^/]+)/.*$", "$1");
            HttpPeer.reply(ex, 200, Map.of("Content-Type", "application/json"),
                    "{\"name\":\"projects/" + project + "/messages/0:" + ids.incrementAndGet() + "\"}");
        });
    }

    /** FCM no longer knows the token: 404 UNREGISTERED. */
    void answerUnregistered() {
        http.answer(404, Map.of("Content-Type", "application/json"),
                error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"));
    }

    /** FCM is unavailable: 503 UNAVAILABLE, which the SDK itself retries within the attempt. */
    void answerUnavailable() {
        http.answer(503, Map.of("Content-Type", "application/json", "Retry-After", "1"),
                error(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"));
    }

    private static String error(int code, String status, String message, String fcmCode) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\","
                + "\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\""
                + fcmCode + "\"}]}}";
    }

    /** The {@code message} object of a send request body. */
    static JsonNode message(HttpPeer.Received request) {
        try {
            return Json.parse(request.body()).path("message");
        } catch (IOException e) {
            throw new AssertionError("not an FCM send request: " + request.body(), e);
        }
    }

    /** The device token a request was for. */
    static String token(HttpPeer.Received request) {
        return message(request).path("token").asText();
    }

    int port() {
        return http.port();
    }

    /** The requests for {@code token}. */
    List<HttpPeer.Received> receivedFor(String token) {
        return http.received().stream().filter(r -> token(r).equals(token)).toList();
    }

    @Override
    public void close() {
        http.close();
    }
}
