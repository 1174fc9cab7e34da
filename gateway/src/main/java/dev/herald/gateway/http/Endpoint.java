package dev.herald.gateway.http;

import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * One route: method, path pattern with {@code {name}} segments, who may call it, and its handler.
 *
 * @param jsonBody whether the body is decoded as a JSON object before the handler runs
 */
public record Endpoint(String method, String pattern, Access access, boolean jsonBody, Handler handler,
                       RawHandler rawHandler) {

    /** Handles an authenticated, decoded call. Runs on an event loop: must not block. */
    @FunctionalInterface
    public interface Handler {
        CompletionStage<ApiResponse> handle(ApiCall call);
    }

    /** Handles a request without an API key: a signed callback (it verifies the caller itself) or a public document. */
    @FunctionalInterface
    public interface RawHandler {
        CompletionStage<ApiResponse> handle(ApiRequest request, Map<String, String> pathParams);
    }

    public Endpoint {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(access, "access");
    }

    /** A {@code POST} endpoint with a JSON object body. */
    public static Endpoint post(String pattern, Access access, Handler handler) {
        return new Endpoint("POST", pattern, access, true, handler, null);
    }

    /** A {@code GET} endpoint. */
    public static Endpoint get(String pattern, Access access, Handler handler) {
        return new Endpoint("GET", pattern, access, false, handler, null);
    }

    /** An endpoint outside API-key authentication. */
    public static Endpoint unauthenticated(String method, String pattern, RawHandler handler) {
        return new Endpoint(method, pattern, new Access.Unauthenticated(), false, null, handler);
    }

    /** A {@code GET} anyone may call, with no key: see {@link Access.Public} for what may be served so. */
    public static Endpoint publicGet(String pattern, RawHandler handler) {
        return new Endpoint("GET", pattern, new Access.Public(), false, null, handler);
    }
}
