package dev.herald.gateway.events;

import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.delivery.OutcomeListener;
import dev.herald.gateway.delivery.StateChange;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Transactional postbacks (braze-api.md §4.1): when a delivery of a transactional dispatch changes state, the
 * events Braze would post are added to the outbox in the same transaction. An SMTP relay's 250 gives
 * {@code sent} then {@code processed}; {@code delivered} comes only with evidence (a final-hop relay);
 * {@code bounced} and {@code aborted} carry the reason. Failures and expiry have no Braze postback and send none.
 */
public final class Postbacks implements OutcomeListener {
    private static final DateTimeFormatter BRAZE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx")
            .withZone(ZoneOffset.UTC);

    private final Function<String, Optional<WorkspaceConfig>> workspaces;
    private final Clock clock;
    private final Duration maxAge;
    private final Runnable onEvents;

    /**
     * Postbacks for the workspaces {@code workspaces} finds, retried for up to {@code maxAge}; {@code onEvents}
     * wakes the publisher once new events are durable.
     */
    public Postbacks(Function<String, Optional<WorkspaceConfig>> workspaces, Clock clock, Duration maxAge,
                     Runnable onEvents) {
        this.workspaces = workspaces;
        this.clock = clock;
        this.maxAge = maxAge;
        this.onEvents = onEvents;
    }

    /**
     * Adds the events for the change, inside its transaction. Does nothing unless the dispatch is transactional and
     * its workspace has a postback URL.
     */
    @Override
    public void changed(StoreTx tx, StateChange change) throws SQLException {
        DeliveryRow d = change.delivery();
        if (change.kind() != DispatchKind.TRANSACTIONAL_SEND) {
            return;
        }
        Optional<WorkspaceConfig> ws = workspaces.apply(d.workspace());
        if (ws.isEmpty() || ws.get().events().postbackUrl().isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<String> types = switch (change.to()) {
            case SENT -> List.of("sent", "processed");
            case DELIVERED -> change.from() == DeliveryStatus.SENT ? List.of("delivered")
                    : List.of("sent", "processed", "delivered");
            case BOUNCED -> List.of("bounced");
            case ABORTED -> List.of("aborted");
            case QUEUED, SENDING, UNDELIVERED, FAILED, EXPIRED -> List.of();
        };
        for (String type : types) {
            tx.events().add(Ids.deliveryId(clock), d.workspace(), d.dispatchId(), Optional.of(d.id().toString()), type,
                    Json.text(payload(type, change.spec(), d, change.reason(), now)), now, now.plus(maxAge));
        }
    }

    @Override
    public void committed(StateChange change) {
        if (change.kind() == DispatchKind.TRANSACTIONAL_SEND) {
            onEvents.run();
        }
    }

    private static Map<String, Object> payload(String type, Optional<DispatchSpec> spec, DeliveryRow d,
                                               Optional<String> reason, Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dispatch_id", d.dispatchId());
        out.put("status", type);
        Map<String, Object> meta = new LinkedHashMap<>();
        out.put("metadata", meta);
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
        meta.put("campaign_api_id", spec.flatMap(DispatchSpec::campaignId).orElse(""));
        spec.flatMap(DispatchSpec::externalSendId).ifPresent(id -> meta.put("external_send_id", id));
        return out;
    }
}
