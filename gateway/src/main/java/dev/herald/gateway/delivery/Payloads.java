package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.WebhookMessage;
import dev.herald.gateway.json.Json;

/** The rendered message as JSON, shown by the status API for sandbox deliveries. */
final class Payloads {
    private Payloads() {
    }

    static String describe(OutboundMessage message) {
        ObjectNode n = Json.object();
        switch (message) {
            case WebhookMessage w -> {
                n.put("method", w.method());
                n.put("url", w.url().toString());
                ObjectNode h = n.putObject("headers");
                w.headers().forEach(h::put);
                n.put("body", w.body());
            }
            case EmailMessage e -> {
                n.put("from", e.from());
                n.put("to", e.to());
                e.replyTo().ifPresent(r -> n.put("reply_to", r));
                n.put("subject", e.subject());
                e.html().ifPresent(h -> n.put("html", h));
                e.text().ifPresent(t -> n.put("text", t));
                e.preheader().ifPresent(p -> n.put("preheader", p));
                ObjectNode h = n.putObject("headers");
                e.headers().forEach(h::put);
            }
            case SmsMessage s -> {
                n.put("to", s.to());
                n.put("from", switch (s.from()) {
                    case SmsMessage.SmsSender.Number num -> num.number();
                    case SmsMessage.SmsSender.MessagingService svc -> svc.sid();
                });
                n.put("body", s.body());
                var media = n.putArray("media");
                s.media().forEach(u -> media.add(u.toString()));
            }
            case ApplePushMessage a -> {
                n.put("token", a.deviceToken());
                n.put("topic", a.topic());
                n.set("apple_push", Json.MAPPER.valueToTree(a.push()));
            }
            case AndroidPushMessage a -> {
                n.put("token", a.token());
                n.set("android_push", Json.MAPPER.valueToTree(a.push()));
            }
        }
        return Json.text(n);
    }
}
