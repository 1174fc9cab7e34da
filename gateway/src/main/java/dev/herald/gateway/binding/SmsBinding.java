package dev.herald.gateway.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.sms.TwilioSmsSender;
import dev.herald.config.SubscriptionGroupConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.model.SmsSpec;
import dev.herald.gateway.model.SubscriptionState;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.net.URI;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SMS through the workspace's Twilio account (braze-api.md §2.7). A subscription group names the sender and who
 * may get it: only users subscribed to the group, unless {@code recipient_subscription_state} is {@code all}. A
 * number Twilio refuses is marked in the directory; a recipient who replied STOP is unsubscribed from the group.
 */
public final class SmsBinding implements ChannelBinding<SmsSpec, SmsMessage> {
    /** The longest body Twilio takes (1,600 characters, ten segments). */
    static final int MAX_BODY = 1600;
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");

    SmsBinding() {
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }

    /**
     * {@code subscription_group_id} (required, configured in {@code sms.subscription_groups}), {@code body}
     * (required), {@code media_items} (MMS image URLs); {@code app_id}, {@code message_variation_id} and the
     * link-shortening flags are accepted.
     */
    @Override
    public SmsSpec parse(JsonNode s, Optional<WorkspaceConfig> workspace) {
        if (!s.isObject()) {
            throw ApiException.badRequest("messages.sms must be an object");
        }
        String group = Lenient.string(s, "subscription_group_id", "messages.sms.subscription_group_id")
                .filter(g -> !g.isBlank())
                .orElseThrow(() -> ApiException.badRequest("messages.sms.subscription_group_id is required"));
        if (workspace.isPresent()) {
            WorkspaceConfig ws = workspace.get();
            if (ws.sms().isEmpty()) {
                throw ApiException.badRequest("messages.sms: this workspace has no SMS provider configured (sms.twilio)");
            }
            if (!ws.sms().get().subscriptionGroups().containsKey(group)) {
                throw ApiException.badRequest("messages.sms.subscription_group_id: unknown subscription group \"" + group
                        + "\" (configure it under sms.subscription_groups)");
            }
        }
        String body = Lenient.requiredString(s, "body", "messages.sms.body");
        if (body.length() > MAX_BODY) {
            throw ApiException.badRequest("messages.sms.body is longer than " + MAX_BODY + " characters");
        }
        List<String> media = new ArrayList<>();
        JsonNode given = s.path("media_items");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isArray()) {
                throw ApiException.badRequest("messages.sms.media_items must be an array of image URLs");
            }
            for (JsonNode m : given) {
                media.add(Liquid.checked(mediaUrl(m.isObject() ? m.path("url").asText("") : m.asText("")),
                        "messages.sms.media_items[" + media.size() + "]"));
            }
        }
        return new SmsSpec(group, Liquid.checked(body, "messages.sms.body"), media,
                Lenient.string(s, "app_id", "messages.sms.app_id"));
    }

    private static String mediaUrl(String url) {
        try {
            URI u = new URI(url);
            if (u.getHost() == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
                throw new IllegalArgumentException();
            }
        } catch (Exception e) {
            throw ApiException.badRequest("messages.sms.media_items must be http(s) URLs, was \"" + url + "\"");
        }
        return url;
    }

    @Override
    public Reach reach(SmsSpec spec, Addressee who, StoreTx tx) throws SQLException {
        if (who.user().isEmpty()) {
            return new Reach.Unreachable("User not reachable by SMS: no profile for " + who.recipientKey());
        }
        UserRow u = who.user().get();
        if (u.phone().isEmpty()) {
            return new Reach.Unreachable("User not reachable by SMS: the profile has no phone number");
        }
        String phone = u.phone().get();
        if (u.phoneInvalid().isPresent()) {
            return new Reach.Unreachable("User not reachable by SMS: " + phone + " was refused ("
                    + u.phoneInvalid().get() + "); set the number again with /users/track to retry it");
        }
        if (!E164.matcher(phone).matches()) {
            return new Reach.Unreachable("User not reachable by SMS: \"" + phone + "\" is not an E.164 number such as "
                    + "+15551234567");
        }
        String group = spec.subscriptionGroupId();
        if (who.state() != SubscriptionState.ALL
                && !tx.users().subscription(u.id(), group).equals(Optional.of("subscribed"))) {
            return new Reach.Unreachable("User is not subscribed to SMS subscription group " + group);
        }
        String sender = who.workspace().sms().map(s -> s.subscriptionGroups().get(group))
                .map(SubscriptionGroupConfig::sender).orElse(group);
        return Reach.of(phone, EgressKeys.sms(sender));
    }

    @Override
    public SmsMessage message(SmsSpec s, SendContext context, Fields f) throws Fields.Stop {
        WorkspaceConfig ws = context.workspace();
        String group = s.subscriptionGroupId();
        SubscriptionGroupConfig g = ws.sms().map(c -> c.subscriptionGroups().get(group))
                .orElseThrow(() -> new Fields.Stop(false, "subscription group " + group + " is no longer configured"));
        SmsMessage.SmsSender from = g.from().isPresent() ? new SmsMessage.SmsSender.Number(g.from().get())
                : new SmsMessage.SmsSender.MessagingService(g.messagingServiceSid().orElseThrow());
        List<URI> media = new ArrayList<>();
        for (String m : s.mediaItems()) {
            media.add(URI.create(f.render(m, "sms media_items")));
        }
        Optional<URI> callback = context.publicUrl().map(u -> URI.create(u + "/herald/v1/callbacks/twilio/" + ws.id()));
        return new SmsMessage(context.ref(), context.address(), from, f.render(s.body(), "sms body"), media, callback);
    }

    /** A refused number is marked for every profile with it; a STOP reply unsubscribes the user from the group. */
    @Override
    public Optional<DirectoryEffect> effect(SmsSpec spec, DeliveryRow d, SendOutcome outcome) {
        if (outcome instanceof SendOutcome.AddressInvalid invalid && !d.address().isEmpty()) {
            return Optional.of(new DirectoryEffect.PhoneInvalid(d.workspace(), d.address(), invalid.reason()));
        }
        if (outcome instanceof SendOutcome.Failed f && f.cause() == SendOutcome.Failed.Cause.RECIPIENT_OPTED_OUT
                && d.userId().isPresent()) {
            // Twilio refuses until they opt in again, so later sends to the group skip them.
            return Optional.of(new DirectoryEffect.Unsubscribed(d.userId().get(), spec.subscriptionGroupId()));
        }
        return Optional.empty();
    }

    /** A number ending {@code 0000} bounces; anything else is sent. */
    @Override
    public SendOutcome simulate(SmsMessage s) {
        if (s.to().endsWith("0000")) {
            return SendOutcome.AddressInvalid.of("sandbox: 21211 invalid 'To' number " + s.to() + " (ends in 0000)");
        }
        return SendOutcome.Accepted.withId("SMsandbox" + s.delivery().id().toString().replace("-", ""), false);
    }

    @Override
    public Map<String, Object> describe(SmsMessage s) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("to", s.to());
        n.put("from", switch (s.from()) {
            case SmsMessage.SmsSender.Number num -> num.number();
            case SmsMessage.SmsSender.MessagingService svc -> svc.sid();
        });
        n.put("body", s.body());
        n.put("media", s.media().stream().map(URI::toString).toList());
        return n;
    }

    @Override
    public SenderRoute<SmsMessage> route(ChannelSenders senders) {
        return senders.sms();
    }

    /** One Twilio client per workspace with an account. */
    @Override
    public SenderRoute<SmsMessage> openSenders(List<WorkspaceConfig> workspaces, SenderResources resources) {
        Map<String, Sender<SmsMessage>> byWorkspace = new LinkedHashMap<>();
        for (WorkspaceConfig ws : workspaces) {
            if (!ws.sandbox()) {
                ws.sms().ifPresent(s -> byWorkspace.put(ws.id(), TwilioSmsSender.create(s.twilio(),
                        resources.blocking(), resources.clock())));
            }
        }
        return SenderRoute.byWorkspace(byWorkspace);
    }
}
