package dev.herald.gateway.delivery;

import dev.herald.channel.apns.ApnsSender;
import dev.herald.config.SubscriptionGroupConfig;
import dev.herald.config.WebhookConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.binding.EgressKeys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How much each egress key may take: sends in flight at once (by channel, or the relay's pool size for SMTP)
 * and, for SMS senders, messages per second. Immutable.
 */
public final class EgressLimits {
    /**
     * Per APNs credential: as many as its sender keeps outstanding on the wire. A slot is held from the claim to the
     * answer, a writer's turn longer than the stream, so a lower bound here (it was 256) left the sender's streams
     * idle while the next claim waited for the writer.
     */
    static final int APNS_CONCURRENCY = ApnsSender.DEFAULT_MAX_IN_FLIGHT;
    /** Per FCM project: the sender's bounded pool. */
    static final int FCM_CONCURRENCY = 64;
    /** Per SMS sender (the per-second rate is what really limits it). */
    static final int SMS_CONCURRENCY = 16;
    /** Any other key, e.g. an SMTP relay Herald has no pool size for. */
    static final int OTHER_CONCURRENCY = 4;

    private final Map<String, Integer> concurrency;
    private final Map<String, Double> messagesPerSecond;
    private final WebhookConfig webhook;

    EgressLimits(Map<String, Integer> concurrency, Map<String, Double> messagesPerSecond) {
        this(concurrency, messagesPerSecond, WebhookConfig.defaults());
    }

    private EgressLimits(Map<String, Integer> concurrency, Map<String, Double> messagesPerSecond,
                         WebhookConfig webhook) {
        this.concurrency = Map.copyOf(concurrency);
        this.messagesPerSecond = Map.copyOf(messagesPerSecond);
        this.webhook = webhook;
    }

    /** Channel defaults only. */
    public static EgressLimits defaults() {
        return new EgressLimits(Map.of(), Map.of());
    }

    /**
     * Sends started per pooled SMTP connection. The relay's {@code pool} still bounds what is on the wire (the
     * sender's own queue holds the rest without a thread); with only one started per connection, each connection
     * sat idle after every message until the next claim came through the writer (a group commit away), and the
     * email benchmark used 1.1 of 2 cores at a fifth of raw Angus's rate.
     */
    static final int SMTP_STARTED_PER_CONNECTION = 4;

    /**
     * The limits these workspaces configure: an SMTP relay's {@code pool} times
     * {@value #SMTP_STARTED_PER_CONNECTION} as its concurrency, an SMS
     * subscription group's {@code mps} as its sender's rate (the lowest when groups share a sender); webhook hosts
     * as the {@code webhook} section limits them.
     */
    public static EgressLimits from(List<WorkspaceConfig> workspaces, WebhookConfig webhook) {
        Map<String, Integer> concurrency = new HashMap<>();
        Map<String, Double> rates = new HashMap<>();
        for (WorkspaceConfig ws : workspaces) {
            ws.email().ifPresent(e -> concurrency.merge(EgressKeys.smtp(e.smtp()),
                    e.smtp().pool() * SMTP_STARTED_PER_CONNECTION, Math::min));
            ws.sms().ifPresent(s -> {
                for (SubscriptionGroupConfig g : s.subscriptionGroups().values()) {
                    rates.merge(EgressKeys.sms(g.sender()), g.messagesPerSecond(), Math::min);
                }
            });
        }
        return new EgressLimits(concurrency, rates, webhook);
    }

    /** The most sends of this key in flight at once; at least 1. */
    public int concurrency(String egressKey) {
        Integer configured = concurrency.get(egressKey);
        if (configured != null) {
            return configured;
        }
        String channel = egressKey.substring(0, Math.max(0, egressKey.indexOf(':')));
        return switch (channel) {
            case "webhook" -> webhookConcurrency(egressKey);
            case "apns" -> APNS_CONCURRENCY;
            case "fcm" -> FCM_CONCURRENCY;
            case "sms" -> SMS_CONCURRENCY;
            default -> OTHER_CONCURRENCY;
        };
    }

    /**
     * {@code webhook:workspace/host:port} as the webhook section limits that host; a templated URL's key gets the
     * default.
     */
    private int webhookConcurrency(String egressKey) {
        String hostPort = egressKey.substring(egressKey.lastIndexOf('/') + 1);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return webhook.maxInFlightPerHost();
        }
        try {
            return webhook.maxInFlight(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException notAPort) {
            return webhook.maxInFlightPerHost();
        }
    }

    /** The key's messages per second, if it has a rate (SMS senders). */
    public OptionalDouble messagesPerSecond(String egressKey) {
        Double rate = messagesPerSecond.get(egressKey);
        return rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate);
    }
}
