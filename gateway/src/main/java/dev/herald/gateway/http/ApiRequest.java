package dev.herald.gateway.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request, decoded and detached from Netty's buffers.
 *
 * @param method  upper-case method
 * @param path    normalised path: {@code //} collapsed, no trailing slash
 * @param query   decoded query parameters
 * @param headers request headers (case-insensitive)
 * @param body    the raw body, at most {@code server.max_body} bytes
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, HttpHeaders headers,
                         byte[] body, SocketAddress remote) {

    /** The first value of a query parameter. */
    public Optional<String> queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** A whole number from 1 to {@code max} in a query value; any other value is a 400 "{@code mustBe}, was VALUE". */
    public static int wholeNumber(String raw, int max, String mustBe) {
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(mustBe + ", was " + raw);
    }

    /** A header's value. */
    public Optional<String> header(CharSequence name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
