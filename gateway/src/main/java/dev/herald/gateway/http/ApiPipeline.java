package dev.herald.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import dev.herald.gateway.auth.Principal;
import dev.herald.gateway.http.ApiErrors;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.RequestProcessor;
import dev.herald.gateway.json.Json;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The request pipeline of the API port, in DESIGN §1's order: route → authenticate → decode the body
 * (bounded by the aggregator) → check the permission → apply the ingress limit → the endpoint validates
 * and acts. Only a request with a valid key and the needed permission reaches the limiter, so 401s and
 * 403s never consume a workspace's quota.
 */
public final class ApiPipeline implements RequestProcessor {
    static final String AUTH_FAILED = "Error authenticating credentials";
    static final String FORBIDDEN = "You do not have permission to access this resource";

    private final List<Endpoint> endpoints;
    private final Router router;
    private final Supplier<ApiKeyAuthenticator> authenticator;
    private final IngressGate gate;
    private final CallInterceptor interceptor;
    private final FailureMapping failures;
    private final Clock clock;

    /**
     * A pipeline over these endpoints; keys are checked against the authenticator in force at each call.
     *
     * @param interceptor runs around every admitted call's handler (idempotency keys)
     * @param failures    answers failures of the layers below (the store) with their proper status
     */
    public ApiPipeline(List<Endpoint> endpoints, Supplier<ApiKeyAuthenticator> authenticator, IngressGate gate,
                       CallInterceptor interceptor, FailureMapping failures, Clock clock) {
        this.endpoints = List.copyOf(endpoints);
        this.router = new Router(this.endpoints);
        this.authenticator = authenticator;
        this.gate = gate;
        this.interceptor = interceptor;
        this.failures = failures;
        this.clock = clock;
    }

    /** The routes this pipeline serves, in the order they are matched (what the API documentation must cover). */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public CompletionStage<ApiResponse> process(ApiRequest request) {
        return switch (router.match(request.method(), request.path())) {
            case Router.Match.NotFound n -> CompletableFuture.completedFuture(ApiResponse.error(404,
                    "Not Found: there is no endpoint at " + request.path(), List.of()));
            case Router.Match.MethodNotAllowed m -> CompletableFuture.completedFuture(ApiResponse.error(405,
                    "Method Not Allowed: " + request.path() + " accepts " + String.join(", ", m.allowed()), List.of())
                    .withHeader("Allow", String.join(", ", m.allowed())));
            case Router.Match.Found f -> dispatch(f.endpoint(), f.params(), request);
        };
    }

    private CompletionStage<ApiResponse> dispatch(Endpoint endpoint, Map<String, String> params, ApiRequest request) {
        try {
            if (endpoint.access() instanceof Access.Unauthenticated || endpoint.access() instanceof Access.Public) {
                return endpoint.rawHandler().handle(request, params);
            }
            JsonNode body = null;
            Optional<String> key = presentedKey(request);
            if (key.isEmpty() && endpoint.jsonBody()) {
                body = parseLeniently(request);
                key = body != null && body.path("api_key").isTextual()
                        ? Optional.of(body.path("api_key").asText()) : Optional.empty();
            }
            Principal principal = key.flatMap(authenticator.get()::authenticate)
                    .orElseThrow(() -> new ApiException(401, AUTH_FAILED));
            ApiException badBody = null;
            if (endpoint.jsonBody()) {
                try {
                    body = body != null ? body : parseObject(request);
                    ((ObjectNode) body).remove("api_key"); // never stored, never echoed
                } catch (ApiException e) {
                    badBody = e;
                    body = Json.object();
                }
            } else {
                body = Json.object();
            }
            if (endpoint.access() instanceof Access.Permission p && !principal.may(p.name())) {
                throw new ApiException(403, FORBIDDEN);
            }
            var call = new ApiCall(request, principal, body, params, clock.instant(), Optional.empty());
            // A body that does not parse is still a request of the key's: it counts and carries the limit headers.
            ApiException refused = badBody;
            return gate.admit(endpoint, call)
                    .thenCompose(admitted -> admitted.decorate(refused != null
                            ? CompletableFuture.completedFuture(toResponse(refused))
                            : run(c -> interceptor.around(c, endpoint.handler()::handle), call)))
                    .exceptionally(this::toResponse);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(toResponse(e));
        }
    }

    private ApiResponse toResponse(Throwable failure) {
        return ApiErrors.toResponse(failure, failures);
    }

    /** The handler's response, with any failure (thrown or completed) turned into an error response. */
    private CompletionStage<ApiResponse> run(java.util.function.Function<ApiCall, CompletionStage<ApiResponse>>
                                                            handler, ApiCall call) {
        try {
            return handler.apply(call).exceptionally(this::toResponse);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(toResponse(e));
        }
    }

    private static Optional<String> presentedKey(ApiRequest request) {
        if (request.headers().getAll(HttpHeaderNames.AUTHORIZATION).size() > 1) {
            // Which one counts is anyone's guess (proxies disagree), so neither does.
            throw ApiException.badRequest("Bad Request: more than one Authorization header");
        }
        Optional<String> auth = request.header(HttpHeaderNames.AUTHORIZATION);
        if (auth.isPresent()) {
            String value = auth.get().trim();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.of(value.substring(7).trim());
            }
            return Optional.of(value); // not Bearer: still checked, and fails unless it is a key
        }
        return request.queryParam("api_key");
    }

    /** The body as JSON if it parses, for finding a legacy {@code api_key}; null otherwise. */
    private static JsonNode parseLeniently(ApiRequest request) {
        try {
            JsonNode n = Json.parse(request.bodyText());
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static JsonNode parseObject(ApiRequest request) {
        String text = request.bodyText();
        if (text.isBlank()) {
            throw ApiException.badRequest("Bad Request: the body must be a JSON object, and it is empty");
        }
        JsonNode n;
        try {
            n = Json.parse(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw ApiException.badRequest("Bad Request: the body is not valid JSON" + where + ": "
                    + e.getOriginalMessage().toLowerCase(Locale.ROOT).split("\n")[0]);
        }
        if (n == null || !n.isObject()) {
            throw ApiException.badRequest("Bad Request: the body must be a JSON object");
        }
        return n;
    }
}
