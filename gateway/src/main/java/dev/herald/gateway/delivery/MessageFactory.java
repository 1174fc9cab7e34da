package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.AndroidPush;
import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.OutboundMessage;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.AppConfig;
import dev.herald.config.SubscriptionGroupConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.store.ClaimedDelivery;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.UserRow;
import dev.herald.gateway.template.Personalisation;
import dev.herald.gateway.template.Rendered;
import dev.herald.gateway.template.TemplateEngine;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Builds the message of one attempt from the stored request, rendering its Liquid against the recipient's
 * profile as it is now (so attribute updates after the accept are seen). Runs on the template engine's render
 * threads, inside its time limit.
 */
final class MessageFactory {
    private final TemplateEngine templates;
    private final Optional<URI> publicUrl;

    MessageFactory(TemplateEngine templates, Optional<URI> publicUrl) {
        this.templates = templates;
        this.publicUrl = publicUrl;
    }

    /** Thrown inside a build to stop it with an abort or a failure. */
    private static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean abort;

        Stop(boolean abort, String reason) {
            super(reason, null, false, false);
            this.abort = abort;
        }
    }

    /**
     * Renders one field; a template's abort or failure stops the build. The variables are built on the first field
     * that is a template, so a message without Liquid (most transactional pushes) costs no personalisation.
     */
    private final class Fields {
        private final Supplier<Map<String, Object>> source;
        private @Nullable Map<String, Object> variables;

        Fields(Supplier<Map<String, Object>> source) {
            this.source = source;
        }

        String render(String template, String field) throws Stop {
            if (!TemplateEngine.isTemplate(template)) {
                return template;
            }
            if (variables == null) {
                variables = source.get();
            }
            return switch (templates.render(template, variables)) {
                case Rendered.Text t -> t.value();
                case Rendered.Aborted a -> throw new Stop(true, a.reason());
                case Rendered.Failed f -> throw new Stop(false, field + ": " + f.reason());
            };
        }

        Optional<String> render(JsonNode parent, String name, String field) throws Stop {
            JsonNode v = parent.get(name);
            return v == null || v.isNull() ? Optional.empty() : Optional.of(render(v.asText(), field));
        }
    }

    /**
     * Builds the message of a claimed delivery; {@code profiles} looks the recipient's profile up as it is now
     * (templates see updates made after the accept), and only if a field is a template.
     */
    Prepared build(ClaimedDelivery claimed, JsonNode request, WorkspaceConfig ws,
                   Function<DeliveryRow, Optional<UserRow>> profiles) {
        DeliveryRow d = claimed.delivery();
        JsonNode object = request.path("messages").path(d.channel().wireName());
        if (!object.isObject()) {
            return new Prepared.Unsendable("the dispatch has no " + d.channel().wireName() + " message");
        }
        var ref = new DeliveryRef(d.id(), d.attempts());
        var fields = new Fields(() -> variables(claimed, request, profiles.apply(d)));
        try {
            OutboundMessage message = switch (d.channel()) {
                case WEBHOOK -> webhook(ref, object, fields);
                case EMAIL -> email(ref, d, object, fields);
                case SMS -> sms(ref, d, object, fields, ws);
                case APPLE_PUSH -> apple(ref, d, object, fields, ws);
                case ANDROID_PUSH -> android(ref, d, object, fields);
            };
            return new Prepared.Ready(message);
        } catch (Stop s) {
            return s.abort ? new Prepared.Abort(s.getMessage()) : new Prepared.Unsendable(s.getMessage());
        } catch (IllegalArgumentException e) {
            return new Prepared.Unsendable(e.getMessage());
        }
    }

    private static Map<String, Object> variables(ClaimedDelivery claimed, JsonNode request, Optional<UserRow> user) {
        DeliveryRow d = claimed.delivery();
        Map<String, Object> campaign = new LinkedHashMap<>();
        campaign.put("dispatch_id", d.dispatchId());
        campaign.put("api_id", request.path("campaign_id").asText(""));
        campaign.put("send_id", request.path("send_id").asText(""));
        campaign.put("name", request.path("campaign_id").asText(""));
        Map<String, Object> properties = new HashMap<>();
        JsonNode recipient = recipientOf(request, d.recipient());
        properties.put("api_trigger_properties", merged(request, recipient, "trigger_properties"));
        // A Canvas's entry properties go by two names: context (current) and canvas_entry_properties (legacy).
        Map<String, Object> entry = merged(request, recipient, "canvas_entry_properties", "context");
        properties.put("canvas_entry_properties", entry);
        properties.put("context", entry);
        if (request.path("canvas_id").isTextual()) {
            properties.put("canvas", Map.of("api_id", request.get("canvas_id").asText(), "name",
                    request.get("canvas_id").asText()));
        }
        return Personalisation.variables(user, Map.of(), campaign, properties);
    }

    /** The top-level properties overridden by the recipient's own, under any of {@code names}. */
    private static Map<String, Object> merged(JsonNode request, JsonNode recipient, String... names) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (JsonNode source : List.of(request, recipient)) {
            for (String name : names) {
                if (source.path(name).isObject()) {
                    out.putAll(Personalisation.toMap(source.get(name).toString()));
                }
            }
        }
        return out;
    }

    private static JsonNode recipientOf(JsonNode request, String key) {
        for (JsonNode r : request.path("recipients")) {
            if (Recipients.key(r).equals(key)) {
                return r;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static WebhookMessage webhook(DeliveryRef ref, JsonNode w, Fields f) throws Stop {
        String url = f.render(w.path("url").asText(), "webhook url").trim();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new Stop(false, "webhook url is not a valid URL: " + url);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (var h : w.path("request_headers").properties()) {
            String value = f.render(h.getValue().asText(), "webhook header " + h.getKey());
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new Stop(false, "webhook header " + h.getKey() + " rendered with a line break");
            }
            headers.put(h.getKey(), value);
        }
        String body = f.render(w.path("body").asText(""), "webhook body");
        return new WebhookMessage(ref, uri, w.path("request_method").asText("POST"), headers, body);
    }

    private static EmailMessage email(DeliveryRef ref, DeliveryRow d, JsonNode e, Fields f) throws Stop {
        String html = f.render(e.path("body").asText(""), "email body");
        Optional<String> text = f.render(e, "plaintext_body", "email plaintext_body");
        Map<String, String> headers = new LinkedHashMap<>();
        for (var h : e.path("headers").properties()) {
            headers.put(h.getKey(), f.render(h.getValue().asText(), "email header " + h.getKey()));
        }
        return new EmailMessage(ref, f.render(e.path("from").asText(), "email from"), d.address(),
                f.render(e, "reply_to", "email reply_to"), f.render(e.path("subject").asText(""), "email subject"),
                html.isBlank() ? Optional.empty() : Optional.of(html), text.filter(t -> !t.isBlank()),
                f.render(e, "preheader", "email preheader"), headers);
    }

    private SmsMessage sms(DeliveryRef ref, DeliveryRow d, JsonNode s, Fields f, WorkspaceConfig ws) throws Stop {
        String group = s.path("subscription_group_id").asText();
        SubscriptionGroupConfig g = ws.sms().map(c -> c.subscriptionGroups().get(group))
                .orElseThrow(() -> new Stop(false, "subscription group " + group + " is no longer configured"));
        SmsMessage.SmsSender from = g.from().isPresent() ? new SmsMessage.SmsSender.Number(g.from().get())
                : new SmsMessage.SmsSender.MessagingService(g.messagingServiceSid().orElseThrow());
        List<URI> media = new ArrayList<>();
        for (JsonNode m : s.path("media_items")) {
            media.add(URI.create(f.render(m.asText(), "sms media_items")));
        }
        Optional<URI> callback = publicUrl.map(u -> URI.create(u + "/herald/v1/callbacks/twilio/" + ws.id()));
        return new SmsMessage(ref, d.address(), from, f.render(s.path("body").asText(), "sms body"), media, callback);
    }

    private static ApplePushMessage apple(DeliveryRef ref, DeliveryRow d, JsonNode a, Fields f, WorkspaceConfig ws)
            throws Stop {
        var b = ApplePush.builder();
        JsonNode alert = a.path("alert");
        if (alert.isTextual()) {
            b.alert(ApplePush.Alert.of(f.render(alert.asText(), "apple_push alert")));
        } else if (alert.isObject()) {
            b.alert(new ApplePush.Alert(f.render(alert, "title", "apple_push alert title"),
                    f.render(alert, "body", "apple_push alert body"), text(alert, "title_loc_key"),
                    strings(alert.path("title_loc_args")), text(alert, "action_loc_key"), text(alert, "loc_key"),
                    strings(alert.path("loc_args"))));
        }
        if (a.path("badge").canConvertToInt()) {
            b.badge(a.get("badge").intValue());
        }
        text(a, "sound").ifPresent(b::sound);
        for (var x : a.path("extra").properties()) {
            b.extra(x.getKey(), x.getValue().isTextual() ? f.render(x.getValue().asText(), "apple_push extra")
                    : Personalisation.toJava(x.getValue()));
        }
        b.contentAvailable(flag(a, "content-available")).mutableContent(flag(a, "mutable_content"));
        text(a, "category").ifPresent(b::category);
        text(a, "interruption_level").ifPresent(b::interruptionLevel);
        if (a.path("relevance_score").isNumber()) {
            b.relevanceScore(a.get("relevance_score").asDouble());
        }
        text(a, "expiry").ifPresent(x -> b.expiry(instant(x)));
        text(a, "collapse_id").ifPresent(b::collapseId);
        if (a.path("apns_priority").canConvertToInt()) {
            b.apnsPriority(a.get("apns_priority").intValue());
        }
        Optional<String> uri = f.render(a, "custom_uri", "apple_push custom_uri");
        uri.ifPresent(b::customUri);
        for (JsonNode btn : a.path("buttons")) {
            b.button(new ApplePush.Button(btn.path("action_id").asText(""), btn.path("action").asText("OPEN_APP"),
                    text(btn, "uri"), btn.path("use_webview").asBoolean(true)));
        }
        text(a, "notification_group_thread_id").ifPresent(b::threadId);
        text(a, "asset_url").ifPresent(u -> b.asset(u, a.path("asset_file_type").asText(null)));
        String topic = d.appId().flatMap(ws::app).flatMap(AppConfig::apns).map(x -> x.topic())
                .orElse(d.appId().orElse("sandbox"));
        return new ApplePushMessage(ref, d.address(), topic, b.build());
    }

    private static AndroidPushMessage android(DeliveryRef ref, DeliveryRow d, JsonNode a, Fields f) throws Stop {
        Map<String, String> extra = new LinkedHashMap<>();
        for (var x : a.path("extra").properties()) {
            extra.put(x.getKey(), x.getValue().isTextual() ? f.render(x.getValue().asText(), "android_push extra")
                    : x.getValue().toString());
        }
        Optional<String> image = Optional.ofNullable(extra.get("appboy_image_url"));
        int priority = a.path("priority").asInt(0);
        var push = new AndroidPush(f.render(a, "alert", "android_push alert"), f.render(a, "title", "android_push title"),
                extra, a.hasNonNull("priority") ? Optional.of(priority < -2 || priority > 2 ? 0 : priority)
                : Optional.empty(), text(a, "android_priority"), text(a, "collapse_key"),
                a.path("time_to_live").canConvertToLong() ? Optional.of(Duration.ofSeconds(
                        Math.min(2_419_200, a.get("time_to_live").asLong()))) : Optional.empty(),
                text(a, "notification_channel_id"), text(a, "sound"),
                f.render(a, "custom_uri", "android_push custom_uri"), flag(a, "send_to_sync"),
                f.render(a, "summary_text", "android_push summary_text"),
                a.path("notification_id").canConvertToInt() ? Optional.of(a.get("notification_id").intValue())
                        : Optional.empty(), image);
        return new AndroidPushMessage(ref, d.address(), push);
    }

    private static Optional<String> text(JsonNode parent, String name) {
        JsonNode v = parent.get(name);
        return v == null || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    private static boolean flag(JsonNode parent, String name) {
        JsonNode v = parent.get(name);
        return v != null && (v.asBoolean(false) || v.asText("").equals("true") || (v.isNumber() && v.asInt() == 1));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** An ISO-8601 time with an offset or in UTC (validated at ingress). */
    static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.parse(text);
        }
    }
}
