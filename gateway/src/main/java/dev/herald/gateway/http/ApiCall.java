package dev.herald.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.auth.Principal;
import dev.herald.gateway.http.ApiRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An authenticated, decoded call to one endpoint.
 *
 * @param body        the JSON body ({@code {}} when the endpoint takes none)
 * @param pathParams  values of {@code {name}} segments in the route
 * @param receivedAt  when the request arrived, from the injected clock
 * @param idempotency the call's {@code Idempotency-Key}, if it has one and it is new
 */
public record ApiCall(ApiRequest request, Principal principal, JsonNode body, Map<String, String> pathParams,
                      Instant receivedAt, Optional<IdempotencyKey> idempotency) {

    /** An {@code Idempotency-Key} and the fingerprint of the request it came with. */
    public record IdempotencyKey(String key, String fingerprint) {
    }

    public ApiCall {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(body, "body");
        pathParams = Map.copyOf(pathParams);
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(idempotency, "idempotency");
    }

    /** The same call carrying an idempotency key. */
    public ApiCall withIdempotency(IdempotencyKey key) {
        return new ApiCall(request, principal, body, pathParams, receivedAt, Optional.of(key));
    }

    /** A path parameter that the route guarantees is present. */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no parameter " + name);
        }
        return v;
    }
}
