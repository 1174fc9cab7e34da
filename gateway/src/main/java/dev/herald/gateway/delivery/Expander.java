package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.Channel;
import dev.herald.gateway.store.DeliveryStatus;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.NewDelivery;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a dispatch into deliveries: one per recipient per messaging object per address. Idempotent: the
 * journal's unique (dispatch, recipient, channel, address) makes a second expansion insert nothing.
 */
public final class Expander {
    private final Clock clock;

    /** An expander stamping ids and times from {@code clock}. */
    public Expander(Clock clock) {
        this.clock = clock;
    }

    /** The deliveries of a dispatch whose normalised request is {@code request}. */
    public List<NewDelivery> deliveries(DispatchRow dispatch, JsonNode request) {
        Instant now = clock.instant();
        List<NewDelivery> out = new ArrayList<>();
        for (JsonNode recipient : request.path("recipients")) {
            String key = Recipients.key(recipient);
            for (Map.Entry<String, JsonNode> m : request.path("messages").properties()) {
                Channel channel = Channel.fromWireName(m.getKey());
                switch (channel) {
                    case WEBHOOK -> {
                        String url = m.getValue().path("url").asText();
                        out.add(new NewDelivery(Ids.deliveryId(clock), dispatch.id(), dispatch.workspace(), channel,
                                key, url, EgressKeys.webhook(url), dispatch.lane(), DeliveryStatus.QUEUED, now,
                                dispatch.expiresAt(), Optional.empty()));
                    }
                    case EMAIL, SMS, APPLE_PUSH, ANDROID_PUSH -> throw new IllegalStateException(
                            channel.wireName() + " is validated away before expansion");
                }
            }
        }
        return out;
    }

    /** Inserts the deliveries of a dispatch and marks it expanded, inside the caller's transaction. */
    public int expand(StoreTx tx, DispatchRow dispatch, JsonNode request) throws SQLException {
        Instant now = clock.instant();
        int inserted = 0;
        for (NewDelivery d : deliveries(dispatch, request)) {
            if (tx.deliveries().insert(d, now)) {
                inserted++;
            }
        }
        tx.dispatches().markExpanded(dispatch.id(), now);
        return inserted;
    }
}
