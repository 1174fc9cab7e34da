package dev.herald.gateway.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiErrors;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.CallInterceptor;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreTx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code Idempotency-Key} on every POST, with Stripe's semantics (scale.md B7): scoped to the workspace, at most
 * 255 characters, kept 24 hours. A replay returns the stored status and body with
 * {@code Idempotent-Replayed: true}; the same key with another request is 422; a duplicate arriving while the
 * first is still in flight is 409 with {@code Retry-After: 1} (an in-memory reservation in this process). The
 * response is stored by the endpoint in the same transaction as its work ({@link ApiCall#remember}); rejected
 * requests (validation, rate limits) are never stored.
 */
public final class Idempotency implements CallInterceptor {
    /** The request header. */
    public static final String HEADER = "Idempotency-Key";
    /** How long a key's response is kept and replayed. */
    public static final Duration TTL = Duration.ofHours(24);

    /** Another process stored the same key while this one was working; thrown to roll the work back. */
    static final class Race extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Race() {
            super("idempotency key stored concurrently", null, false, false);
        }
    }

    private final Store store;
    private final Clock clock;
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();

    /** Keys kept in {@code store}, aged by {@code clock}. */
    public Idempotency(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Runs {@code handler} once per key; answers replays, conflicts and mismatches itself. */
    @Override
    public CompletionStage<ApiResponse> around(ApiCall call, Function<ApiCall, CompletionStage<ApiResponse>> handler) {
        var header = call.request().header(HEADER);
        if (header.isEmpty() || !call.request().method().equals("POST")) {
            return handler.apply(call);
        }
        String key = header.get().trim();
        if (key.isEmpty() || key.length() > 255) {
            throw ApiException.badRequest(HEADER + " must be 1 to 255 characters");
        }
        String fingerprint = fingerprint(call);
        String slot = call.principal().workspaceId() + "\u0000" + key;
        if (inFlight.putIfAbsent(slot, Boolean.TRUE) != null) {
            throw new ApiException(409, "A request with this Idempotency-Key is still being processed; retry shortly",
                    List.of(), Map.of("Retry-After", "1"));
        }
        CompletionStage<ApiResponse> result;
        try {
            result = stored(call, key, fingerprint)
                    .thenCompose(stored -> stored.isPresent() ? CompletableFuture.completedFuture(stored.get())
                            : handler.apply(call.withIdempotency(new ApiCall.IdempotencyKey(key, fingerprint))))
                    .exceptionallyCompose(e -> ApiErrors.unwrap(e) instanceof Race
                            ? stored(call, key, fingerprint).thenApply(Optional::orElseThrow)
                            : CompletableFuture.failedFuture(e));
        } catch (RuntimeException e) {
            inFlight.remove(slot);
            throw e;
        }
        return result.whenComplete((r, e) -> inFlight.remove(slot));
    }

    /**
     * Stores a call's response under its idempotency key (if it has one), inside the transaction that makes the
     * call's work durable, so a retried request is answered from the store and never runs twice.
     *
     * @return {@code response}, unchanged
     */
    public static ApiResponse remember(StoreTx tx, ApiCall call, ApiResponse response, Optional<String> dispatchId)
            throws SQLException {
        if (call.idempotency().isPresent() && !tx.keys().putIdempotent(call.principal().workspaceId(),
                call.idempotency().get().key(), call.idempotency().get().fingerprint(), response.status(),
                new String(response.body(), StandardCharsets.UTF_8), dispatchId, call.receivedAt(),
                call.receivedAt().minus(TTL))) {
            // Another process stored this key first: the work rolls back and the stored answer is given instead.
            throw new Race();
        }
        return response;
    }

    /** The stored answer for the key: a replay, or 422 if it was for another request; empty if none is live. */
    private CompletionStage<Optional<ApiResponse>> stored(ApiCall call, String key, String fingerprint) {
        return store.read(tx -> tx.keys().idempotent(call.principal().workspaceId(), key, clock.instant().minus(TTL)))
                .thenApply(stored -> {
                    if (stored.isEmpty()) {
                        return Optional.empty();
                    }
                    if (!stored.get().fingerprint().equals(fingerprint)) {
                        throw new ApiException(422, "This Idempotency-Key was already used with a different request");
                    }
                    return Optional.of(new ApiResponse(stored.get().status(), Map.of("Idempotent-Replayed", "true"),
                            stored.get().body().getBytes(StandardCharsets.UTF_8)));
                });
    }

    /** SHA-256 of the method, path and the body with its keys sorted, so key order does not matter. */
    static String fingerprint(ApiCall call) {
        String canonical = call.request().method() + " " + call.request().path() + "\n" + Json.text(sorted(call.body()));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            node.properties().forEach(e -> fields.put(e.getKey(), sorted(e.getValue())));
            ObjectNode out = Json.object();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = Json.MAPPER.createArrayNode();
            node.forEach(n -> out.add(sorted(n)));
            return out;
        }
        return node;
    }
}
