package dev.herald.gateway.events;

import dev.herald.config.CurrentsConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.delivery.OutcomeListener;
import dev.herald.gateway.delivery.StateChange;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Ids;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Currents-style stream's writer: when a delivery changes state, the message events it is
 * ({@link MessageEvents}) go into the workspace's stream outbox in the same transaction, each with an id that stays
 * its own through every retry and restart, in Braze's custom-HTTP connector shape: {@code event_type}, {@code id},
 * {@code time} (UNIX seconds), {@code user} and {@code properties} (with {@code dispatch_id} and the campaign,
 * Canvas and send ids the dispatch has).
 */
public final class CurrentsEvents implements OutcomeListener {
    /** How long an event is retried before it is kept as dead: Braze's connector retries at least a day. */
    public static final Duration MAX_AGE = Duration.ofHours(24);

    private final Function<String, Optional<WorkspaceConfig>> workspaces;
    private final Clock clock;
    private final StreamBacklog backlog;

    CurrentsEvents(Function<String, Optional<WorkspaceConfig>> workspaces, Clock clock, StreamBacklog backlog) {
        this.workspaces = workspaces;
        this.clock = clock;
        this.backlog = backlog;
    }

    @Override
    public void changed(StoreTx tx, StateChange change) throws SQLException {
        prepared(change).changed(tx, change);
    }

    /**
     * Builds the change's events before its transaction, off the single writer: which events, their ids, their
     * {@code properties} and, when the recipient has no profile to read, their {@code user}; the transaction then
     * only reads the profile (if any) and hands the events to the outbox, which writes them once per commit.
     */
    @Override
    public OutcomeListener prepared(StateChange change) {
        DeliveryRow d = change.delivery();
        Optional<CurrentsConfig> currents = workspaces.apply(d.workspace()).flatMap(w -> w.events().currents());
        if (currents.isEmpty()) {
            return NONE;
        }
        List<MessageEvent> all = MessageEvents.of(change);
        List<PreparedEvent> events = new ArrayList<>(all.size());
        for (MessageEvent e : all) {
            if (!currents.get().wants(e.type())) {
                continue;
            }
            StringBuilder head = Json.appendString(new StringBuilder(96).append("{\"event_type\":"), e.type())
                    .append(",\"id\":\"").append(Ids.deliveryId(clock)).append("\",\"time\":")
                    .append(change.at().getEpochSecond()).append(",\"user\":");
            StringBuilder tail = Json.appendFlat(new StringBuilder(256).append(",\"properties\":"),
                    properties(e, d, change.spec())).append('}');
            events.add(new PreparedEvent(head.toString(), tail.toString()));
        }
        if (events.isEmpty()) {
            return NONE;
        }
        // Without a profile, the user object is known now; with one, it is read in the transaction.
        Optional<String> user = d.userId().isEmpty() ? Optional.of(userJson(Optional.empty(), d)) : Optional.empty();
        long maxPending = currents.get().maxPending();
        return (tx, c) -> {
            if (!backlog.admit(d.workspace(), events.size(), maxPending)) {
                return;
            }
            String userJson = user.isPresent() ? user.get() : userJson(tx.users().byId(d.userId().get()), d);
            Instant now = clock.instant();
            for (PreparedEvent e : events) {
                tx.streamEvents().add(d.workspace(), e.head() + userJson + e.tail(), now, now.plus(MAX_AGE));
            }
        };
    }

    /** An event ready but for its {@code user}: its JSON is {@code head}, the user object, {@code tail}. */
    private record PreparedEvent(String head, String tail) {
    }

    private static Map<String, Object> properties(MessageEvent e, DeliveryRow d, Optional<DispatchSpec> spec) {
        Map<String, Object> p = new LinkedHashMap<>();
        spec.flatMap(DispatchSpec::campaignId).ifPresent(id -> p.put("campaign_id", id));
        spec.flatMap(DispatchSpec::canvasId).ifPresent(id -> p.put("canvas_id", id));
        spec.flatMap(DispatchSpec::sendId).ifPresent(id -> p.put("send_id", id));
        p.put("dispatch_id", d.dispatchId());
        p.put("app_group_id", d.workspace());
        p.putAll(e.properties());
        return p;
    }

    /**
     * Braze's {@code user}: Herald's id of the profile ({@code user_id}), the caller's {@code external_user_id}
     * (from the profile, or from the request when it named one without a profile) and the profile's time zone.
     */
    private static String userJson(Optional<UserRow> profile, DeliveryRow d) {
        Map<String, Object> user = new LinkedHashMap<>();
        profile.ifPresent(u -> user.put("user_id", u.brazeId()));
        Optional<String> external = profile.flatMap(UserRow::externalId);
        if (external.isEmpty() && d.recipient().startsWith("external_id:")) {
            external = Optional.of(d.recipient().substring("external_id:".length()));
        }
        external.ifPresent(id -> user.put("external_user_id", id));
        profile.flatMap(UserRow::timeZone).ifPresent(tz -> user.put("timezone", tz));
        return Json.appendFlat(new StringBuilder(96), user).toString();
    }
}
