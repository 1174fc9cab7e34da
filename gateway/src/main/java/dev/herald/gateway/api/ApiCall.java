package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.auth.Principal;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;

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
    ApiCall withIdempotency(IdempotencyKey key) {
        return new ApiCall(request, principal, body, pathParams, receivedAt, Optional.of(key));
    }

    /**
     * Stores this call's response under its idempotency key, inside the transaction that makes the call's work
     * durable, so a retried request is answered from the store and never runs twice.
     */
    public ApiResponse remember(StoreTx tx, ApiResponse response, Optional<String> dispatchId) throws SQLException {
        if (idempotency.isPresent() && !tx.keys().putIdempotent(principal.workspaceId(), idempotency.get().key(),
                idempotency.get().fingerprint(), response.status(),
                new String(response.body(), java.nio.charset.StandardCharsets.UTF_8), dispatchId, receivedAt,
                receivedAt.minus(Idempotency.TTL))) {
            // Another process stored this key first: the work rolls back and the stored answer is given instead.
            throw new Idempotency.Race();
        }
        return response;
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
