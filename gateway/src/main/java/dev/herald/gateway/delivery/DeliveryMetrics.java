package dev.herald.gateway.delivery;

import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.store.StoreTx;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code herald.deliveries{channel, outcome}}: every attempt's answer ({@code sent}, {@code delivered},
 * {@code retry}, {@code throttled}, {@code failed}, {@code bounced}) and deliveries an attempt ended without an
 * answer ({@code aborted} by a template, {@code unsendable}). Counted once the outcome is durable.
 */
final class DeliveryMetrics implements OutcomeListener {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void changed(StoreTx tx, StateChange change) {
        // counted once durable
    }

    @Override
    public void committed(StateChange change) {
        Channel channel = change.delivery().channel();
        if (change.answer().isPresent()) {
            count(channel, switch (change.answer().get()) {
                case SendOutcome.Accepted a -> a.finalHop() ? "delivered" : "sent";
                case SendOutcome.Retry r -> "retry";
                case SendOutcome.Throttled t -> "throttled";
                case SendOutcome.Failed f -> "failed";
                case SendOutcome.AddressInvalid a -> "bounced";
            });
        } else if (change.to() == DeliveryStatus.ABORTED) {
            count(channel, "aborted");
        } else if (change.to() == DeliveryStatus.FAILED) {
            count(channel, "unsendable");
        }
    }

    private void count(Channel channel, String outcome) {
        counters.computeIfAbsent(channel.wireName() + "/" + outcome, k -> Counter.builder("herald.deliveries")
                .description("delivery attempts and endings by channel and outcome")
                .tag("channel", channel.wireName()).tag("outcome", outcome).register(registry)).increment();
    }
}
