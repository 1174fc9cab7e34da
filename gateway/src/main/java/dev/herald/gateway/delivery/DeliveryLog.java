package dev.herald.gateway.delivery;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.herald.channel.SendOutcome;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.store.StoreTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per attempt that did not go through (a retry, a throttle, a failure, a bounce, an abort) and, at
 * debug, per success, with {@code dispatch_id}, {@code delivery_id}, {@code workspace}, {@code channel},
 * {@code egress} and {@code attempt} as fields (JSON fields with {@code log.format: json}, {@code key=value} in
 * text). The recipient's address is not logged (it is personal data; the status API has it), nor is anything
 * the message carries.
 */
final class DeliveryLog implements OutcomeListener {
    private static final Logger logger = LoggerFactory.getLogger(DeliveryLog.class);

    @Override
    public void changed(StoreTx tx, StateChange change) {
        // logged once durable
    }

    @Override
    public void committed(StateChange change) {
        var d = change.delivery();
        Object[] ids = {kv("dispatch_id", d.dispatchId()), kv("delivery_id", d.id()), kv("workspace", d.workspace()),
                kv("channel", d.channel().wireName()), kv("egress", d.egressKey()), kv("attempt", d.attempts())};
        if (change.answer().isEmpty()) {
            if (change.to() == DeliveryStatus.ABORTED || change.to() == DeliveryStatus.FAILED) {
                logger.info("delivery {}: {} {} {} {} {} {}", status(change), ids[0], ids[1], ids[2], ids[3], ids[4],
                        kv("reason", change.reason().orElse("")));
            }
            return;
        }
        switch (change.answer().get()) {
            case SendOutcome.Accepted a -> logger.debug("delivery {}: {} {} {} {} {} {}", status(change), ids[0],
                    ids[1], ids[2], ids[3], ids[4], ids[5]);
            case SendOutcome.Retry r -> logger.info("delivery retried: {} {} {} {} {} {} {}", ids[0], ids[1], ids[2],
                    ids[3], ids[4], ids[5], kv("reason", r.reason()));
            case SendOutcome.Throttled t -> logger.info("delivery throttled: {} {} {} {} {} {} {}", ids[0], ids[1],
                    ids[2], ids[3], ids[4], ids[5], kv("reason", t.reason()));
            case SendOutcome.Failed f -> logger.warn("delivery failed: {} {} {} {} {} {} {}", ids[0], ids[1], ids[2],
                    ids[3], ids[4], ids[5], kv("reason", f.reason()));
            case SendOutcome.AddressInvalid a -> logger.info("delivery bounced: {} {} {} {} {} {} {}", ids[0], ids[1],
                    ids[2], ids[3], ids[4], ids[5], kv("reason", a.reason()));
        }
    }

    private static String status(StateChange change) {
        return change.to().name().toLowerCase(java.util.Locale.ROOT);
    }
}
