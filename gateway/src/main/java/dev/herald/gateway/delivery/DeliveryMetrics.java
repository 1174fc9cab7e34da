package dev.herald.gateway.delivery;

import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code herald.deliveries{channel, outcome}}: every attempt's result, and deliveries ended without a send. */
final class DeliveryMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** An attempt's answer from the provider (or the sandbox). */
    void attempted(Channel channel, SendOutcome outcome) {
        count(channel, switch (outcome) {
            case SendOutcome.Accepted a -> a.finalHop() ? "delivered" : "sent";
            case SendOutcome.Retry r -> "retry";
            case SendOutcome.Throttled t -> "throttled";
            case SendOutcome.Failed f -> "failed";
            case SendOutcome.AddressInvalid a -> "bounced";
        });
    }

    /** A delivery that ended without reaching a provider ({@code aborted}, {@code unsendable}). */
    void ended(Channel channel, String outcome) {
        count(channel, outcome);
    }

    private void count(Channel channel, String outcome) {
        counters.computeIfAbsent(channel.wireName() + "/" + outcome, k -> Counter.builder("herald.deliveries")
                .description("delivery attempts and endings by channel and outcome")
                .tag("channel", channel.wireName()).tag("outcome", outcome).register(registry)).increment();
    }
}
