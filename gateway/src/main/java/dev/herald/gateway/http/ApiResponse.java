package dev.herald.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A response: a status, extra headers and a JSON body (every response has one), or a body streamed in chunks.
 *
 * <p>A plain class, not a record: the fuzz run's agent (Jazzer) instruments the classes it loads, and a record it
 * instruments fails at run time with {@code NoSuchFieldError} on its own components.
 */
public final class ApiResponse {
    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;
    private final @Nullable ChunkSource stream;

    /**
     * @param headers extra headers, in order; {@code Content-Type} and {@code Content-Length} are added on write
     * @param stream  when present the body is written from it in chunks ({@code Transfer-Encoding: chunked}) and
     *                {@code body} is unused
     */
    public ApiResponse(int status, Map<String, String> headers, byte[] body, @Nullable ChunkSource stream) {
        this.status = status;
        this.headers = Map.copyOf(headers);
        this.body = body;
        this.stream = stream;
    }

    /** A response with its whole body. */
    public ApiResponse(int status, Map<String, String> headers, byte[] body) {
        this(status, headers, body, null);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Extra headers; {@code Content-Type} and {@code Content-Length} are added on write unless given here. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The whole body (empty for a streamed answer). */
    public byte[] body() {
        return body;
    }

    /** The source of a streamed body, or null for a whole one. */
    public @Nullable ChunkSource stream() {
        return stream;
    }

    /** A response whose body {@code stream} produces a chunk at a time; {@code headers} should name its type. */
    public static ApiResponse streamed(int status, Map<String, String> headers, ChunkSource stream) {
        return new ApiResponse(status, headers, new byte[0], stream);
    }

    /** A JSON response. */
    public static ApiResponse json(int status, JsonNode body) {
        return new ApiResponse(status, Map.of(), Json.bytes(body));
    }

    /** The Braze envelope {@code {"message", "errors"}} with {@code status}. */
    public static ApiResponse error(int status, String message, List<String> errors) {
        var envelope = Json.object();
        envelope.put("message", message);
        var list = envelope.putArray("errors");
        errors.forEach(list::add);
        return json(status, envelope);
    }

    /** The same response with one more header. */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, Map.copyOf(h), body, stream);
    }

    /** The same response with more headers. */
    public ApiResponse withHeaders(Map<String, String> more) {
        if (more.isEmpty()) {
            return this;
        }
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putAll(more);
        return new ApiResponse(status, Map.copyOf(h), body, stream);
    }
}
