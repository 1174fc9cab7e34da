package dev.herald.gateway.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.Channel;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.smtp.SmtpSender;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.EmailSpec;
import dev.herald.gateway.model.SubscriptionState;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.EmailAddressRow;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Email over the workspace's SMTP relay (braze-api.md §2.6). The address is the profile's email, unless it bounced
 * or the user unsubscribed; a mailbox that does not exist marks the address in the directory.
 */
public final class EmailBinding implements ChannelBinding<EmailSpec, EmailMessage> {
    private static final Pattern ADDRESS = Pattern.compile("[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> MANAGED = Set.of("from", "to", "subject", "message-id", "content-type",
            "mime-version", "reply-to", "date", "content-transfer-encoding");

    EmailBinding() {
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    /**
     * {@code from} and {@code body} are required; {@code plaintext_body}, {@code preheader}, {@code reply_to}
     * ({@code NO_REPLY_TO} means none), {@code headers} and {@code extras} are kept; {@code app_id}, {@code bcc},
     * {@code should_inline_css} and {@code message_variation_id} are accepted. An {@code email_template_id} is
     * merged into the object before it gets here (the API's {@code StoredContent}); one that reaches this parser
     * (where no journal is at hand) and attachments are refused with a 400 rather than silently dropped.
     */
    @Override
    public EmailSpec parse(JsonNode e, Optional<WorkspaceConfig> workspace) {
        if (!e.isObject()) {
            throw ApiException.badRequest("messages.email must be an object");
        }
        if (workspace.isPresent() && !workspace.get().sandbox() && workspace.get().email().isEmpty()) {
            throw ApiException.badRequest("messages.email: this workspace has no email relay configured (email.smtp)");
        }
        if (e.hasNonNull("email_template_id")) {
            throw ApiException.badRequest("messages.email.email_template_id cannot be used here: give the subject and "
                    + "body (Liquid is rendered at send time)");
        }
        if (e.hasNonNull("attachments") && !(e.get("attachments").isArray() && e.get("attachments").isEmpty())) {
            throw ApiException.badRequest("messages.email.attachments are not supported by Herald yet; nothing was sent");
        }
        String from = Lenient.requiredString(e, "from", "messages.email.from").trim();
        if (!WebhookBinding.isTemplated(from) && !ADDRESS.matcher(address(from)).matches()) {
            throw ApiException.badRequest("messages.email.from must be an address such as \"Acme <no-reply@acme.test>\", "
                    + "was \"" + from + "\"");
        }
        Optional<String> replyTo = Lenient.string(e, "reply_to", "messages.email.reply_to")
                .filter(r -> !r.equals("NO_REPLY_TO"));
        String subject = Lenient.string(e, "subject", "messages.email.subject").orElse("");
        String body = Lenient.requiredString(e, "body", "messages.email.body");
        Optional<String> plaintext = Lenient.string(e, "plaintext_body", "messages.email.plaintext_body");
        Optional<String> preheader = Lenient.string(e, "preheader", "messages.email.preheader");
        Optional<String> appId = Lenient.string(e, "app_id", "messages.email.app_id");
        Map<String, String> headers = headers(e.path("headers"));
        Optional<String> group = subscriptionGroup(e, workspace);
        Map<String, Object> extras = Map.of();
        if (e.hasNonNull("extras")) {
            if (!e.get("extras").isObject()) {
                throw ApiException.badRequest("messages.email.extras must be an object");
            }
            extras = Json.toMap(e.get("extras"));
        }
        return new EmailSpec(Liquid.checked(from, "messages.email.from"),
                Liquid.checked(replyTo, "messages.email.reply_to"), Liquid.checked(subject, "messages.email.subject"),
                Liquid.checked(body, "messages.email.body"), Liquid.checked(plaintext, "messages.email.plaintext_body"),
                Liquid.checked(preheader, "messages.email.preheader"), appId, headers, extras, group);
    }

    /** {@code subscription_group_id}: optional, and with a workspace one of its {@code email.subscription_groups}. */
    private static Optional<String> subscriptionGroup(JsonNode e, Optional<WorkspaceConfig> workspace) {
        Optional<String> group = Lenient.string(e, "subscription_group_id", "messages.email.subscription_group_id")
                .map(String::trim).filter(g -> !g.isEmpty());
        if (group.isPresent() && workspace.isPresent() && !workspace.get().email()
                .map(c -> c.subscriptionGroups().contains(group.get())).orElse(false)) {
            throw ApiException.badRequest("messages.email.subscription_group_id: unknown subscription group \""
                    + group.get() + "\" (configure it under email.subscription_groups)");
        }
        return group;
    }

    private static Map<String, String> headers(JsonNode given) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (given.isMissingNode() || given.isNull()) {
            return headers;
        }
        if (!given.isObject()) {
            throw ApiException.badRequest("messages.email.headers must be an object of header names to values");
        }
        for (Map.Entry<String, JsonNode> h : given.properties()) {
            String name = h.getKey();
            String value = h.getValue().asText();
            if (!TOKEN.matcher(name).matches() || MANAGED.contains(name.toLowerCase(Locale.ROOT))) {
                throw ApiException.badRequest("messages.email.headers: \"" + name + "\" cannot be set");
            }
            if (!h.getValue().isValueNode() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw ApiException.badRequest("messages.email.headers." + name + " must be a one-line string");
            }
            headers.put(name, Liquid.checked(value, "messages.email.headers." + name));
        }
        return headers;
    }

    /** The bare address of {@code Name <addr>} or {@code addr}. */
    static String address(String from) {
        int lt = from.lastIndexOf('<');
        int gt = from.lastIndexOf('>');
        return lt >= 0 && gt > lt ? from.substring(lt + 1, gt).trim() : from.trim();
    }

    /**
     * The profile's address, unless the address is blocklisted or hard bounced (whatever the send's
     * {@code recipient_subscription_state}: nothing reaches a dead or blocked mailbox, transactional mail included),
     * or the user may not get it: unsubscribed (the profile's {@code email_subscribe}, else the state
     * {@code /email/status} set for the address) or, for a send naming an email subscription group, unsubscribed from
     * the group.
     */
    @Override
    public Reach reach(EmailSpec spec, Addressee who, StoreTx tx) throws SQLException {
        if (who.user().isEmpty()) {
            return new Reach.Unreachable("User not emailable: no profile for " + who.recipientKey());
        }
        UserRow u = who.user().get();
        if (u.email().isEmpty()) {
            return new Reach.Unreachable("User not emailable: the profile has no email address");
        }
        Optional<EmailAddressRow> listed = tx.emailAddresses().get(u.workspace(),
                u.email().get().toLowerCase(Locale.ROOT));
        if (listed.flatMap(EmailAddressRow::blocklistedAt).isPresent()) {
            return new Reach.Unreachable("User not emailable: " + u.email().get() + " is blocklisted (/email/blocklist); "
                    + "/email/bounce/remove takes it off the list");
        }
        if (listed.flatMap(EmailAddressRow::hardBouncedAt).isPresent()) {
            return new Reach.Unreachable("User not emailable: " + u.email().get() + " hard bounced ("
                    + listed.get().bounceReason().orElse("") + "); /email/bounce/remove takes it off the bounce list");
        }
        if (u.emailInvalid().isPresent()) {
            return new Reach.Unreachable("User not emailable: " + u.email().get() + " bounced (" + u.emailInvalid().get()
                    + "); set the address again with /users/track to retry it");
        }
        // The profile's own email_subscribe wins; an address state set by /email/status before the profile had
        // the address applies to a profile that never set one (Braze applies it when the address is associated).
        Optional<String> subscribe = u.emailSubscribe().or(() -> listed.flatMap(EmailAddressRow::subscription));
        Optional<String> refusal = Subscriptions.refusal(who.state(), subscribe, "email");
        if (refusal.isPresent()) {
            return new Reach.Unreachable(refusal.get());
        }
        if (spec.subscriptionGroupId().isPresent() && who.state() != SubscriptionState.ALL
                && tx.users().subscription(u.id(), spec.subscriptionGroupId().get())
                .equals(Optional.of("unsubscribed"))) {
            return new Reach.Unreachable("User is unsubscribed from email subscription group "
                    + spec.subscriptionGroupId().get());
        }
        return Reach.of(u.email().get(), who.workspace().email().map(e -> EgressKeys.smtp(e.smtp()))
                .orElse("smtp:sandbox"));
    }

    @Override
    public EmailMessage message(EmailSpec e, SendContext context, Fields f) throws Fields.Stop {
        String html = f.render(e.body(), "email body");
        Optional<String> text = f.render(e.plaintextBody(), "email plaintext_body");
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            headers.put(h.getKey(), f.render(h.getValue(), "email header " + h.getKey()));
        }
        return new EmailMessage(context.ref(), f.render(e.from(), "email from"), context.address(),
                f.render(e.replyTo(), "email reply_to"), f.render(e.subject(), "email subject"),
                html.isBlank() ? Optional.empty() : Optional.of(html), text.filter(t -> !t.isBlank()),
                f.render(e.preheader(), "email preheader"), headers);
    }

    @Override
    public Optional<DirectoryEffect> effect(EmailSpec spec, DeliveryRow d, SendOutcome outcome) {
        return outcome instanceof SendOutcome.AddressInvalid invalid && !d.address().isEmpty()
                ? Optional.of(new DirectoryEffect.EmailBounced(d.workspace(), d.address(), invalid.reason()))
                : Optional.empty();
    }

    /** A local part with {@code +bounce} bounces and {@code +retry} is retried once; anything else is sent. */
    @Override
    public SendOutcome simulate(EmailMessage e) {
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

    @Override
    public Map<String, Object> describe(EmailMessage e) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("from", e.from());
        n.put("to", e.to());
        e.replyTo().ifPresent(r -> n.put("reply_to", r));
        n.put("subject", e.subject());
        e.html().ifPresent(h -> n.put("html", h));
        e.text().ifPresent(t -> n.put("text", t));
        e.preheader().ifPresent(p -> n.put("preheader", p));
        n.put("headers", new LinkedHashMap<>(e.headers()));
        return n;
    }

    @Override
    public SenderRoute<EmailMessage> route(ChannelSenders senders) {
        return senders.email();
    }

    /** One pooled SMTP sender per workspace with a relay. */
    @Override
    public SenderRoute<EmailMessage> openSenders(List<WorkspaceConfig> workspaces, SenderResources resources) {
        Map<String, Sender<EmailMessage>> byWorkspace = new LinkedHashMap<>();
        for (WorkspaceConfig ws : workspaces) {
            if (!ws.sandbox()) {
                ws.email().ifPresent(e -> byWorkspace.put(ws.id(), SmtpSender.create(e.smtp(), resources.blocking(),
                        resources.clock())));
            }
        }
        return SenderRoute.byWorkspace(byWorkspace);
    }
}
