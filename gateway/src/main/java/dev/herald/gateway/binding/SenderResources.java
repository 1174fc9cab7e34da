package dev.herald.gateway.binding;

import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.channel.apns.ApnsResources;
import dev.herald.config.WebhookConfig;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What the bindings build senders from: the clock every sender reads time from, the executor blocking SDK calls
 * run on (virtual threads), the webhook client settings, and resources senders of a channel share (one APNs event
 * loop for every credential). Closes what it created, never what it was given.
 */
public final class SenderResources implements AutoCloseable {
    private final WebhookConfig webhook;
    private final Clock clock;
    private final Executor blocking;
    private final Optional<Sender<WebhookMessage>> webhookOverride;
    private @Nullable ApnsResources apns;

    /**
     * Resources for senders.
     *
     * @param webhookOverride a webhook sender to use instead of the HTTP one (tests, benchmarks)
     */
    public SenderResources(WebhookConfig webhook, Clock clock, Executor blocking,
                           Optional<Sender<WebhookMessage>> webhookOverride) {
        this.webhook = Objects.requireNonNull(webhook, "webhook");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.webhookOverride = Objects.requireNonNull(webhookOverride, "webhookOverride");
    }

    /** The webhook client settings (SSRF guard, timeouts). */
    public WebhookConfig webhook() {
        return webhook;
    }

    /** The time source of every sender. */
    public Clock clock() {
        return clock;
    }

    /** Where blocking SDK calls run. */
    public Executor blocking() {
        return blocking;
    }

    /** A webhook sender replacing the HTTP one, if any. */
    public Optional<Sender<WebhookMessage>> webhookOverride() {
        return webhookOverride;
    }

    /** The event loop shared by every APNs client, created on first use. */
    public synchronized ApnsResources apns() {
        if (apns == null) {
            apns = ApnsResources.create(2);
        }
        return apns;
    }

    @Override
    public synchronized void close() {
        if (apns != null) {
            apns.close();
            apns = null;
        }
    }
}
