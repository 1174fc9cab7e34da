package dev.herald.gateway.binding;

import dev.herald.channel.OutboundMessage;
import dev.herald.channel.Sender;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The senders of one channel and how a delivery finds its own: one for every workspace (webhooks), one per
 * workspace (an SMTP relay, a Twilio account) or one per credential (an APNs key, an FCM project: the delivery's
 * egress key). Owns its senders and closes them.
 *
 * @param <M> the channel's message
 */
public final class SenderRoute<M extends OutboundMessage> implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(SenderRoute.class);

    private enum Key { NONE, WORKSPACE, EGRESS_KEY }

    private final Key key;
    private final Map<String, Sender<M>> senders;

    private SenderRoute(Key key, Map<String, Sender<M>> senders) {
        this.key = key;
        this.senders = new LinkedHashMap<>(senders);
    }

    /** One sender for every delivery. */
    public static <M extends OutboundMessage> SenderRoute<M> single(Sender<M> sender) {
        return new SenderRoute<>(Key.NONE, Map.of("", sender));
    }

    /** A sender per workspace id. */
    public static <M extends OutboundMessage> SenderRoute<M> byWorkspace(Map<String, Sender<M>> senders) {
        return new SenderRoute<>(Key.WORKSPACE, senders);
    }

    /** A sender per egress key (a credential). */
    public static <M extends OutboundMessage> SenderRoute<M> byEgressKey(Map<String, Sender<M>> senders) {
        return new SenderRoute<>(Key.EGRESS_KEY, senders);
    }

    /** No senders (tests that use only some channels). */
    public static <M extends OutboundMessage> SenderRoute<M> none() {
        return new SenderRoute<>(Key.WORKSPACE, Map.of());
    }

    /** The sender of a delivery of {@code workspace} leaving through {@code egressKey}, if one is configured. */
    public Optional<Sender<M>> sender(String workspace, String egressKey) {
        return Optional.ofNullable(senders.get(switch (key) {
            case NONE -> "";
            case WORKSPACE -> workspace;
            case EGRESS_KEY -> egressKey;
        }));
    }

    @Override
    public void close() {
        for (Sender<M> s : senders.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                logger.warn("closing {} failed: {}", s.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
