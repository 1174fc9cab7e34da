package dev.herald.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A workspace's Currents-style event stream: every message event, POSTed in batches to an HTTP endpoint in Braze's
 * custom-HTTP connector shape.
 *
 * @param url           where the batches go
 * @param token         sent as {@code Authorization: Bearer <token>}
 * @param batchSize     the most events in one batch
 * @param flushInterval how long a part-filled batch waits for more events before it goes
 * @param eventTypes    the event types sent (Braze's names, {@link #EVENT_TYPES}); empty: all of them
 * @param signingSecret when set, each batch is also signed per Standard Webhooks
 * @param maxPending    the most events waiting for this connector; more are dropped (counted and logged), so a dead
 *                      connector cannot fill the disk
 */
public record CurrentsConfig(URI url, Secret token, int batchSize, Duration flushInterval, Set<String> eventTypes,
                             Optional<Secret> signingSecret, long maxPending) {
    /** Every event type Herald produces, in Braze's names. */
    public static final List<String> EVENT_TYPES = List.of(
            "users.messages.webhook.Send", "users.messages.webhook.Failure", "users.messages.webhook.Abort",
            "users.messages.email.Send", "users.messages.email.Delivery", "users.messages.email.Bounce",
            "users.messages.email.SoftBounce", "users.messages.email.Abort",
            "users.messages.sms.Send", "users.messages.sms.Delivery", "users.messages.sms.DeliveryFailure",
            "users.messages.sms.Rejection", "users.messages.sms.Abort",
            "users.messages.pushnotification.Send", "users.messages.pushnotification.Bounce",
            "users.messages.pushnotification.Abort");

    /** The default for {@link #maxPending}: a million events stay on disk. */
    public static final long DEFAULT_MAX_PENDING = 2_000_000;

    public CurrentsConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(flushInterval, "flushInterval");
        eventTypes = Set.copyOf(eventTypes);
        Objects.requireNonNull(signingSecret, "signingSecret");
    }

    /** Whether events of {@code type} go to this connector. */
    public boolean wants(String type) {
        return eventTypes.isEmpty() || eventTypes.contains(type);
    }
}
