package dev.herald.channel.fcm;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.gson.GsonFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** FCM HTTP v1 wire shapes for the loopback peer: success and error bodies, and request parsing. */
final class FcmPeer {
    static final String PROJECT = "herald-test";
    static final String SEND_PATH = "/v1/projects/" + PROJECT + "/messages:send";
    static final String FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    static final String BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest";

    private FcmPeer() {
    }

    /** FCM's answer to an accepted message. */
    static String accepted(String id) {
        return "{\"name\":\"projects/" + PROJECT + "/messages/" + id + "\"}";
    }

    /** An FCM v1 error body; {@code details} are JSON objects. */
    static String error(int code, String status, String message, String... details) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\""
                + (details.length == 0 ? "" : ",\"details\":[" + String.join(",", details) + "]") + "}}";
    }

    /** The FcmError detail carrying FCM's own error code. */
    static String fcmError(String errorCode) {
        return "{\"@type\":\"" + FCM_ERROR + "\",\"errorCode\":\"" + errorCode + "\"}";
    }

    /** A google.rpc.BadRequest detail naming the offending fields. */
    static String badRequest(String... fields) {
        return "{\"@type\":\"" + BAD_REQUEST + "\",\"fieldViolations\":["
                + Arrays.stream(fields).map(f -> "{\"field\":\"" + f + "\",\"description\":\"invalid\"}")
                .collect(Collectors.joining(",")) + "]}";
    }

    /** The {@code message} object of a send request body. */
    static Map<String, Object> message(String requestBody) {
        try {
            GenericJson body = GsonFactory.getDefaultInstance().createJsonParser(requestBody).parse(GenericJson.class);
            return map(body.get("message"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
