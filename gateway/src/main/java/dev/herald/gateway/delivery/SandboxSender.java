package dev.herald.gateway.delivery;

import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.WebhookMessage;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sandbox: runs the whole pipeline but never contacts a provider. The outcome comes from the address,
 * the same way on every channel (DESIGN §5): a webhook host ending {@code .fail} fails and {@code .retry}
 * is retried once; an email local part with {@code +bounce} bounces and {@code +retry} is retried once; a
 * push token ending {@code -bad} bounces and {@code -retry} is retried once; a phone number ending
 * {@code 0000} bounces. Anything else is accepted with a simulated provider id: delivered for webhooks
 * (a target's 2xx is evidence), sent for the others.
 */
final class SandboxSender implements Sender<OutboundMessage> {

    @Override
    public CompletionStage<SendOutcome> send(OutboundMessage message) {
        return CompletableFuture.completedFuture(switch (message) {
            case WebhookMessage w -> webhook(w);
            case EmailMessage e -> email(e);
            case SmsMessage s -> sms(s);
            case ApplePushMessage a -> push(a, a.deviceToken());
            case AndroidPushMessage a -> push(a, a.push().sendToSync() ? a.token() : a.token());
        });
    }

    private static SendOutcome webhook(WebhookMessage w) {
        String host = w.url().getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".fail")) {
            return new SendOutcome.Failed("sandbox: webhook host " + host + " ends in .fail");
        }
        if (host.endsWith(".retry") && w.delivery().attempt() == 1) {
            return SendOutcome.Retry.of("sandbox: webhook host " + host + " ends in .retry (retried once)");
        }
        return SendOutcome.Accepted.withId("sandbox-" + w.delivery().id(), true);
    }

    private static SendOutcome email(EmailMessage e) {
        String local = e.to().toLowerCase(Locale.ROOT);
        int at = local.indexOf('@');
        local = at < 0 ? local : local.substring(0, at);
        if (local.contains("+bounce")) {
            return SendOutcome.AddressInvalid.of("sandbox: 550 5.1.1 mailbox " + e.to() + " does not exist (+bounce)");
        }
        if (local.contains("+retry") && e.delivery().attempt() == 1) {
            return SendOutcome.Retry.of("sandbox: 451 4.3.0 try again later (+retry, retried once)");
        }
        return SendOutcome.Accepted.withId("sandbox-" + e.delivery().id(), false);
    }

    private static SendOutcome sms(SmsMessage s) {
        if (s.to().endsWith("0000")) {
            return SendOutcome.AddressInvalid.of("sandbox: 21211 invalid 'To' number " + s.to() + " (ends in 0000)");
        }
        return SendOutcome.Accepted.withId("SMsandbox" + s.delivery().id().toString().replace("-", ""), false);
    }

    private static SendOutcome push(OutboundMessage m, String token) {
        if (token.endsWith("-bad")) {
            return SendOutcome.AddressInvalid.of("sandbox: device token " + token + " is unregistered (-bad)");
        }
        if (token.endsWith("-retry") && m.delivery().attempt() == 1) {
            return SendOutcome.Retry.of("sandbox: push service unavailable (-retry, retried once)");
        }
        return SendOutcome.Accepted.withId("sandbox-" + m.delivery().id(), false);
    }

    @Override
    public void close() {
    }
}
