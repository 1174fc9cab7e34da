package dev.herald.gateway.delivery;

import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.store.DeliveryRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the sender for a message: the sandbox for sandbox workspaces, else the channel's sender for that
 * workspace (email relay, Twilio account) or credential (APNs key, FCM project, by the delivery's egress key).
 * Owns the senders it is given and closes them.
 */
public final class Senders implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Senders.class);

    private final Sender<WebhookMessage> webhook;
    private final Map<String, Sender<EmailMessage>> emailByWorkspace;
    private final Map<String, Sender<SmsMessage>> smsByWorkspace;
    private final Map<String, Sender<ApplePushMessage>> apnsByCredential;
    private final Map<String, Sender<AndroidPushMessage>> fcmByCredential;
    private final Sender<OutboundMessage> sandbox = new SandboxSender();

    /** Webhooks only (tests). */
    public Senders(Sender<WebhookMessage> webhook) {
        this(webhook, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /**
     * All channels.
     *
     * @param emailByWorkspace SMTP sender per workspace id
     * @param smsByWorkspace   Twilio sender per workspace id
     * @param apnsByCredential APNs sender per credential key ({@code ApnsConfig.credentialKey()})
     * @param fcmByCredential  FCM sender per credential key ({@code FcmConfig.credentialKey()})
     */
    public Senders(Sender<WebhookMessage> webhook, Map<String, Sender<EmailMessage>> emailByWorkspace,
                   Map<String, Sender<SmsMessage>> smsByWorkspace,
                   Map<String, Sender<ApplePushMessage>> apnsByCredential,
                   Map<String, Sender<AndroidPushMessage>> fcmByCredential) {
        this.webhook = webhook;
        this.emailByWorkspace = new LinkedHashMap<>(emailByWorkspace);
        this.smsByWorkspace = new LinkedHashMap<>(smsByWorkspace);
        this.apnsByCredential = new LinkedHashMap<>(apnsByCredential);
        this.fcmByCredential = new LinkedHashMap<>(fcmByCredential);
    }

    CompletionStage<SendOutcome> send(WorkspaceConfig ws, DeliveryRow delivery, OutboundMessage message) {
        if (ws.sandbox()) {
            return sandbox.send(message);
        }
        return switch (message) {
            case WebhookMessage w -> webhook.send(w);
            case EmailMessage e -> route(emailByWorkspace.get(ws.id()), e);
            case SmsMessage s -> route(smsByWorkspace.get(ws.id()), s);
            case ApplePushMessage a -> route(apnsByCredential.get(delivery.egressKey()), a);
            case AndroidPushMessage a -> route(fcmByCredential.get(delivery.egressKey()), a);
        };
    }

    private static <M extends OutboundMessage> CompletionStage<SendOutcome> route(Sender<M> sender, M message) {
        if (sender == null) {
            return CompletableFuture.completedFuture(new SendOutcome.Failed(
                    "no " + message.channel().wireName() + " sender is configured for this workspace"));
        }
        return sender.send(message);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(webhook);
        all.addAll(emailByWorkspace.values());
        all.addAll(smsByWorkspace.values());
        all.addAll(apnsByCredential.values());
        all.addAll(fcmByCredential.values());
        all.add(sandbox);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                logger.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
