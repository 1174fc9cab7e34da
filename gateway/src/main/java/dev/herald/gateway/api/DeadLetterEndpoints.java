package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.Channel;
import dev.herald.config.Permissions;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiRequest;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.idempotency.Idempotency;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.store.DeadLetterFilter;
import dev.herald.gateway.store.DeadLetters;
import dev.herald.gateway.store.DeadLetters.Cursor;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.Store;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Dead letters (permission {@code herald.admin}, the caller's workspace only): the deliveries that ended
 * {@code failed}, {@code expired} or {@code bounced}.
 * <ul>
 *   <li>{@code GET /herald/v1/dead_letters?channel=&after=&limit=} lists them in the order they ended, a page at a
 *   time ({@code limit} up to {@value #MAX_PAGE}, {@value #DEFAULT_PAGE} by default; {@code after} is the previous
 *   page's opaque {@code next_after}).</li>
 *   <li>{@code POST /herald/v1/dead_letters/{delivery_id}/replay} queues one again: 202, or 404 when the workspace
 *   has no dead letter with that id.</li>
 *   <li>{@code POST /herald/v1/dead_letters/replay} queues those matching a filter again ({@code channel},
 *   {@code status}, {@code dispatch_id}, {@code after}/{@code before} bounding when they ended), at most
 *   {@value #MAX_REPLAY} per call, in writes of {@value #CHUNK} so a large replay never holds the journal's writer
 *   for long; {@code "more": true} says the cap was reached and another call replays the rest.</li>
 * </ul>
 * A replayed delivery keeps its id and attempt count and is due at once, with a fresh age limit of
 * {@code delivery.max_age}; the scheduler is woken after each write so it goes out while the rest is replayed.
 */
public final class DeadLetterEndpoints {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;
    static final int MAX_REPLAY = 10_000;
    static final int CHUNK = 500;

    private final Store store;
    private final Clock clock;
    private final Duration maxAge;
    private final Runnable onReplayed;

    /**
     * The endpoints over {@code store}.
     *
     * @param maxAge     a replayed delivery's fresh age limit ({@code delivery.max_age})
     * @param onReplayed wakes the scheduler once replayed deliveries are durable
     */
    public DeadLetterEndpoints(Store store, Clock clock, Duration maxAge, Runnable onReplayed) {
        this.store = store;
        this.clock = clock;
        this.maxAge = maxAge;
        this.onReplayed = onReplayed;
    }

    /** The three routes. */
    public List<Endpoint> endpoints() {
        Access admin = Access.permission(Permissions.HERALD_ADMIN);
        return List.of(Endpoint.get("/herald/v1/dead_letters", admin, this::list),
                new Endpoint("POST", "/herald/v1/dead_letters/{delivery_id}/replay", admin, false, this::replayOne,
                        null),
                Endpoint.post("/herald/v1/dead_letters/replay", admin, this::replayMatching));
    }

    private CompletionStage<ApiResponse> list(ApiCall call) {
        ApiRequest q = call.request();
        String ws = call.principal().workspaceId();
        var filter = DeadLetterFilter.ALL.withChannel(q.queryParam("channel").filter(c -> !c.isBlank())
                .map(DeadLetterEndpoints::channel));
        Optional<Cursor> after = q.queryParam("after").filter(a -> !a.isBlank()).map(DeadLetterEndpoints::decode);
        int limit = q.queryParam("limit")
                .map(raw -> ApiRequest.wholeNumber(raw, MAX_PAGE, "limit must be a whole number from 1 to " + MAX_PAGE))
                .orElse(DEFAULT_PAGE);
        return store.read(tx -> tx.deadLetters().page(ws, filter, after, limit + 1)).thenApply(found -> {
            boolean more = found.size() > limit;
            List<DeliveryRow> page = more ? found.subList(0, limit) : found;
            ObjectNode out = Json.object();
            ArrayNode list = out.putArray("dead_letters");
            for (DeliveryRow d : page) {
                ObjectNode n = list.addObject();
                n.put("delivery_id", d.id().toString());
                n.put("dispatch_id", d.dispatchId());
                n.put("channel", d.channel().wireName());
                n.put("recipient", d.recipient());
                n.put("status", d.status().dbName());
                n.put("last_error", d.lastError().orElse(null));
                n.put("attempts", d.attempts());
                n.put("ended_at", d.updatedAt().toString());
            }
            out.put("next_after", more ? encode(Cursor.after(page.getLast())) : null);
            out.put("message", "success");
            return ApiResponse.json(200, out);
        });
    }

    private CompletionStage<ApiResponse> replayOne(ApiCall call) {
        String raw = call.pathParam("delivery_id");
        String ws = call.principal().workspaceId();
        UUID id;
        try {
            id = UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw notFound(raw);
        }
        return store.writeIngress(tx -> {
            if (tx.deadLetters().replay(ws, id, clock.instant(), maxAge).isEmpty()) {
                return null;
            }
            return Idempotency.remember(tx, call, ApiResponse.json(202, success()), Optional.empty());
        }).thenApply(response -> {
            if (response == null) {
                throw notFound(raw);
            }
            onReplayed.run();
            return response;
        });
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "Dead letter not found: " + id + " (no delivery of this workspace with that id "
                + "ended failed, expired or bounced)");
    }

    /** Where a bulk replay has got to after one chunk; {@code answer} is set by the last. */
    private record Progress(int replayed, Optional<Cursor> last, Set<UUID> done, ApiResponse answer) {
    }

    private CompletionStage<ApiResponse> replayMatching(ApiCall call) {
        JsonNode body = call.body();
        Optional<DeliveryStatus> status = Lenient.string(body, "status", "status").filter(s -> !s.isBlank())
                .map(DeadLetterEndpoints::deadStatus);
        var filter = new DeadLetterFilter(
                Lenient.string(body, "channel", "channel").filter(s -> !s.isBlank()).map(DeadLetterEndpoints::channel),
                status,
                Lenient.string(body, "dispatch_id", "dispatch_id").filter(s -> !s.isBlank()),
                Lenient.string(body, "after", "after").map(raw -> TimeParams.start(raw, "after")),
                Lenient.string(body, "before", "before").map(raw -> TimeParams.end(raw, "before")));
        if (filter.endedAfter().isPresent() && filter.endedBefore().isPresent()
                && !filter.endedAfter().get().isBefore(filter.endedBefore().get())) {
            throw ApiException.badRequest("after must be earlier than before");
        }
        return chunk(call, filter, new Progress(0, Optional.empty(), Set.of(), null), true);
    }

    /**
     * Replays the next chunk in a write of its own, then the next, until none match or the cap is reached. The first
     * write is an ingress write (refused at once when the journal is overloaded, before anything is replayed); the
     * last stores the answer with the call's idempotency key.
     */
    private CompletableFuture<ApiResponse> chunk(ApiCall call, DeadLetterFilter filter, Progress before,
                                                 boolean first) {
        String ws = call.principal().workspaceId();
        int limit = Math.min(CHUNK, MAX_REPLAY - before.replayed());
        Store.Work<Progress> work = tx -> {
            Set<UUID> done = new HashSet<>(before.done()); // a copy: a run rolled back leaves the caller's as it was
            DeadLetters.Replayed r = tx.deadLetters().replayMatching(ws, filter, before.last(), limit, done,
                    clock.instant(), maxAge);
            int replayed = before.replayed() + r.count();
            Optional<Cursor> last = r.last().or(before::last);
            boolean capped = replayed >= MAX_REPLAY;
            if (r.more() && !capped) {
                return new Progress(replayed, last, done, null);
            }
            ObjectNode answer = success();
            answer.put("replayed", replayed);
            if (r.more()) {
                answer.put("more", true);
            }
            return new Progress(replayed, last, done,
                    Idempotency.remember(tx, call, ApiResponse.json(202, answer), Optional.empty()));
        };
        return (first ? store.writeIngress(work) : store.write(work)).thenCompose(progress -> {
            if (progress.replayed() > before.replayed()) {
                onReplayed.run();
            }
            return progress.answer() != null ? CompletableFuture.completedFuture(progress.answer())
                    : chunk(call, filter, progress, false);
        });
    }

    private static ObjectNode success() {
        ObjectNode n = Json.object();
        n.put("message", "success");
        return n;
    }

    private static Channel channel(String raw) {
        try {
            return Channel.fromWireName(raw.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("channel must be one of webhook, email, sms, apple_push or android_push, was "
                    + raw);
        }
    }

    private static DeliveryStatus deadStatus(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "failed" -> DeliveryStatus.FAILED;
            case "expired" -> DeliveryStatus.EXPIRED;
            case "bounced" -> DeliveryStatus.BOUNCED;
            default -> throw ApiException.badRequest("status must be failed, expired or bounced, was " + raw);
        };
    }

    /** The opaque cursor: the last dead letter's end time and id, base64url so clients pass it back unchanged. */
    static String encode(Cursor c) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((c.endedAt().toEpochMilli() + "." + c.id())
                .getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String raw) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(raw.trim()), StandardCharsets.UTF_8);
            int dot = text.indexOf('.');
            Instant endedAt = Instant.ofEpochMilli(Long.parseLong(text.substring(0, dot)));
            return new Cursor(endedAt, UUID.fromString(text.substring(dot + 1)).toString());
        } catch (RuntimeException e) {
            throw ApiException.badRequest("after must be the next_after of an earlier page, was " + raw);
        }
    }
}
