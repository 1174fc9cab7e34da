package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.auth.Principal;
import dev.herald.gateway.http.ApiRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An authenticated, decoded call to one endpoint.
 *
 * @param body       the JSON body ({@code {}} when the endpoint takes none)
 * @param pathParams values of {@code {name}} segments in the route
 * @param receivedAt when the request arrived, from the injected clock
 */
public record ApiCall(ApiRequest request, Principal principal, JsonNode body, Map<String, String> pathParams,
                      Instant receivedAt) {
    public ApiCall {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(body, "body");
        pathParams = Map.copyOf(pathParams);
        Objects.requireNonNull(receivedAt, "receivedAt");
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
