package dev.herald.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.Permissions;
import dev.herald.gateway.http.Access;
import dev.herald.gateway.http.ApiCall;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.ApiResponse;
import dev.herald.gateway.http.Endpoint;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.UsageOutcome;
import dev.herald.gateway.store.UsageRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /herald/v1/usage?from=&to=} (permission {@code herald.admin}): the caller's workspace's usage per UTC
 * hour and channel, from the counts the journal keeps in the transactions that cause them (see {@link UsageOutcome}:
 * {@code accepted}, {@code sent}, {@code delivered}, {@code undelivered}, {@code bounced}, {@code failed},
 * {@code expired}, {@code aborted}, {@code replayed}). {@code from} and {@code to} are ISO-8601 instants or dates (a
 * {@code to} date includes that day); the hours listed are those starting in [{@code from} rounded down to the hour,
 * {@code to}); by default the last 24 hours; at most {@value #MAX_DAYS} days. Hours and channels with nothing counted
 * are left out.
 */
public final class UsageEndpoint {
    static final int MAX_DAYS = 31;

    private final Store store;
    private final Clock clock;

    /** The endpoint over {@code store}. */
    public UsageEndpoint(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The route. */
    public Endpoint endpoint() {
        return Endpoint.get("/herald/v1/usage", Access.permission(Permissions.HERALD_ADMIN), this::handle);
    }

    private CompletionStage<ApiResponse> handle(ApiCall call) {
        var q = call.request();
        Instant now = clock.instant();
        Instant to = q.queryParam("to").filter(s -> !s.isBlank()).map(raw -> TimeParams.end(raw, "to")).orElse(now);
        Instant from = q.queryParam("from").filter(s -> !s.isBlank()).map(raw -> TimeParams.start(raw, "from"))
                .orElse(to.minus(Duration.ofHours(24)));
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("from must be earlier than to (from " + from + ", to " + to + ")");
        }
        if (Duration.between(from, to).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw ApiException.badRequest("from and to may be at most " + MAX_DAYS + " days apart (from " + from
                    + ", to " + to + ")");
        }
        Instant firstHour = from.truncatedTo(ChronoUnit.HOURS);
        String ws = call.principal().workspaceId();
        return store.read(tx -> tx.usage().hours(ws, firstHour, to)).thenApply(rows -> {
            ObjectNode out = Json.object();
            out.put("message", "success");
            out.put("from", firstHour.toString());
            out.put("to", to.toString());
            ArrayNode list = out.putArray("usage");
            for (UsageRow r : rows) {
                ObjectNode n = list.addObject();
                n.put("hour", r.hour().toString());
                n.put("channel", r.channel().wireName());
                for (UsageOutcome o : UsageOutcome.values()) {
                    n.put(o.column(), r.count(o));
                }
            }
            return ApiResponse.json(200, out);
        });
    }
}
