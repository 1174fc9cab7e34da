package dev.herald.gateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.delivery.Ids;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.DeliveryStatus;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Transactional postbacks (braze-api.md §4.1): when a delivery of a transactional dispatch changes state, the
 * events Braze would post are added to the outbox in the same transaction. An SMTP relay's 250 gives
 * {@code sent} then {@code processed}; {@code delivered} comes only with evidence (a final-hop relay);
 * {@code bounced} and {@code aborted} carry the reason. Failures and expiry have no Braze postback and send none.
 */
public final class Postbacks {
    /** The dispatch kind of {@code /transactional/v1/campaigns/{id}/send}. */
    public static final String TRANSACTIONAL = "transactional.send";
    private static final DateTimeFormatter BRAZE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx")
            .withZone(ZoneOffset.UTC);

    private final Function<String, Optional<WorkspaceConfig>> workspaces;
    private final Clock clock;
    private final Duration maxAge;

    /** Postbacks for the workspaces {@code workspaces} finds, retried for up to {@code maxAge}. */
    public Postbacks(Function<String, Optional<WorkspaceConfig>> workspaces, Clock clock, Duration maxAge) {
        this.workspaces = workspaces;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /**
     * Adds the events for {@code d} having moved to {@code status}, inside the caller's transaction. Does nothing
     * unless the dispatch is transactional and its workspace has a postback URL.
     *
     * @param from    the state it left ({@code queued} for an attempt's outcome)
     * @param request the dispatch's stored request (campaign and {@code external_send_id})
     */
    public void record(StoreTx tx, String kind, JsonNode request, DeliveryRow d, DeliveryStatus from,
                       DeliveryStatus status, Optional<String> reason) throws SQLException {
        if (!kind.equals(TRANSACTIONAL)) {
            return;
        }
        Optional<WorkspaceConfig> ws = workspaces.apply(d.workspace());
        if (ws.isEmpty() || ws.get().events().postbackUrl().isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<String> types = switch (status) {
            case SENT -> List.of("sent", "processed");
            case DELIVERED -> from == DeliveryStatus.SENT ? List.of("delivered") : List.of("sent", "processed", "delivered");
            case BOUNCED -> List.of("bounced");
            case ABORTED -> List.of("aborted");
            case QUEUED, SENDING, UNDELIVERED, FAILED, EXPIRED -> List.of();
        };
        for (String type : types) {
            tx.events().add(Ids.deliveryId(clock), d.workspace(), d.dispatchId(), Optional.of(d.id().toString()), type,
                    Json.text(payload(type, request, d, reason, now)), now, now.plus(maxAge));
        }
    }

    private static ObjectNode payload(String type, JsonNode request, DeliveryRow d, Optional<String> reason,
                                      Instant now) {
        ObjectNode out = Json.object();
        out.put("dispatch_id", d.dispatchId());
        out.put("status", type);
        ObjectNode meta = out.putObject("metadata");
        String at = BRAZE_TIME.format(now);
        switch (type) {
            case "sent" -> {
                meta.put("received_at", BRAZE_TIME.format(d.createdAt()));
                meta.put("enqueued_at", BRAZE_TIME.format(d.createdAt()));
                meta.put("executed_at", at);
                meta.put("sent_at", at);
            }
            case "processed" -> meta.put("processed_at", at);
            case "delivered" -> meta.put("delivered_at", at);
            case "bounced" -> {
                meta.put("bounced_at", at);
                meta.put("reason", reason.orElse("bounced"));
            }
            default -> {
                meta.put("aborted_at", at);
                meta.put("reason", reason.orElse("aborted"));
            }
        }
        meta.put("campaign_api_id", request.path("campaign_id").asText(""));
        if (request.hasNonNull("external_send_id")) {
            meta.put("external_send_id", request.get("external_send_id").asText());
        }
        return out;
    }
}
