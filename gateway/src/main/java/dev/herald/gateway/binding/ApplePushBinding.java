package dev.herald.gateway.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.apns.ApnsSender;
import dev.herald.config.ApnsConfig;
import dev.herald.config.AppConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.ApplePushSpec;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * iOS push through APNs (braze-api.md §2.3). One delivery per valid iOS token of the user, each leaving through its
 * app's APNs credential (one Pushy client per credential, shared by every app using it); the delivery id is the
 * {@code apns-id}. An unregistered token is marked invalid unless registered again after APNs' timestamp.
 */
public final class ApplePushBinding implements ChannelBinding<ApplePushSpec, ApplePushMessage> {
    /** Braze's limit on the {@code apple_push} object. */
    static final int MAX_BYTES = 1912;
    static final String INVALID_EXTRA = "Invalid Extra Push Payload";
    private static final Set<String> LEVELS = Set.of("passive", "active", "time-sensitive", "critical");

    ApplePushBinding() {
    }

    @Override
    public Channel channel() {
        return Channel.APPLE_PUSH;
    }

    /**
     * Braze's documented errors: {@code Invalid Extra Push Payload} when {@code extra} is not an object or holds
     * {@code ab} or {@code aps}; {@code Apple Push Length Exceeded} above 1,912 bytes.
     */
    @Override
    public ApplePushSpec parse(JsonNode a, Optional<WorkspaceConfig> workspace) {
        if (!a.isObject()) {
            throw ApiException.badRequest("messages.apple_push must be an object");
        }
        workspace.ifPresent(ws -> PushTokens.requireApp(ws, AppConfig.Platform.IOS, "apple_push"));
        JsonNode extra = a.get("extra");
        if (extra != null && !extra.isNull()) {
            if (!extra.isObject()) {
                throw ApiException.badRequest(INVALID_EXTRA);
            }
            if (extra.has("ab") || extra.has("aps")) {
                throw new ApiException(400, INVALID_EXTRA, List.of("extra may not contain the keys \"ab\" or \"aps\""));
            }
        }
        boolean background = Lenient.bool(a, "content-available", false);
        JsonNode alert = a.path("alert");
        if (!background && !(alert.isTextual() || alert.isObject())) {
            throw ApiException.badRequest("messages.apple_push.alert is required (a string or an alert object) unless "
                    + "content-available is true");
        }
        if (alert.isObject() && !alert.path("body").isTextual() && !alert.path("loc_key").isTextual() && !background) {
            throw ApiException.badRequest("messages.apple_push.alert.body is required");
        }
        PushFields.integer(a, "apple_push", "badge", Integer.MIN_VALUE, Integer.MAX_VALUE);
        PushFields.integer(a, "apple_push", "apns_priority", 1, 10);
        if (a.hasNonNull("interruption_level") && !LEVELS.contains(a.get("interruption_level").asText())) {
            throw ApiException.badRequest("messages.apple_push.interruption_level must be passive, active, "
                    + "time-sensitive or critical");
        }
        if (a.hasNonNull("relevance_score") && (!a.get("relevance_score").isNumber()
                || a.get("relevance_score").asDouble() < 0 || a.get("relevance_score").asDouble() > 1)) {
            throw ApiException.badRequest("messages.apple_push.relevance_score must be a number from 0.0 to 1.0");
        }
        Optional<Instant> expiry = Optional.empty();
        if (a.hasNonNull("expiry")) {
            expiry = Optional.of(instant(a.get("expiry").asText()).orElseThrow(() -> ApiException.badRequest(
                    "messages.apple_push.expiry must be an ISO 8601 date-time")));
        }
        if (a.hasNonNull("asset_url") && !a.hasNonNull("asset_file_type")) {
            throw ApiException.badRequest("messages.apple_push.asset_file_type is required with asset_url");
        }
        if (a.hasNonNull("buttons") && !a.get("buttons").isArray()) {
            throw ApiException.badRequest("messages.apple_push.buttons must be an array");
        }
        int size = Json.bytes(a).length;
        if (size > MAX_BYTES) {
            throw new ApiException(400, "Apple Push Length Exceeded", List.of("the apple_push object is " + size
                    + " bytes, at most " + MAX_BYTES));
        }
        return spec(a, expiry);
    }

    private static ApplePushSpec spec(JsonNode a, Optional<Instant> expiry) {
        JsonNode alert = a.path("alert");
        Optional<ApplePush.Alert> parsedAlert = Optional.empty();
        if (alert.isTextual()) {
            parsedAlert = Optional.of(ApplePush.Alert.of(Liquid.checked(alert.asText(),
                    "messages.apple_push.alert")));
        } else if (alert.isObject()) {
            parsedAlert = Optional.of(new ApplePush.Alert(
                    Liquid.checked(PushFields.string(alert, "title"), "messages.apple_push.alert.title"),
                    Liquid.checked(PushFields.string(alert, "body"), "messages.apple_push.alert.body"),
                    PushFields.text(alert, "title_loc_key"), PushFields.strings(alert.path("title_loc_args")),
                    PushFields.text(alert, "action_loc_key"), PushFields.text(alert, "loc_key"),
                    PushFields.strings(alert.path("loc_args"))));
        }
        List<ApplePush.Button> buttons = new ArrayList<>();
        for (JsonNode btn : a.path("buttons")) {
            buttons.add(new ApplePush.Button(btn.path("action_id").asText(""), btn.path("action").asText("OPEN_APP"),
                    PushFields.text(btn, "uri"), btn.path("use_webview").asBoolean(true)));
        }
        Optional<String> assetUrl = PushFields.text(a, "asset_url");
        return new ApplePushSpec(parsedAlert,
                a.path("badge").canConvertToInt() ? Optional.of(a.get("badge").intValue()) : Optional.empty(),
                PushFields.text(a, "sound"), PushFields.extra(a, "messages.apple_push.extra"),
                PushFields.flag(a, "content-available"), PushFields.flag(a, "mutable_content"),
                PushFields.text(a, "category"), PushFields.text(a, "interruption_level"),
                a.path("relevance_score").isNumber() ? Optional.of(a.get("relevance_score").asDouble()) : Optional.empty(),
                expiry, PushFields.text(a, "collapse_id"),
                a.path("apns_priority").canConvertToInt() ? Optional.of(a.get("apns_priority").intValue())
                        : Optional.empty(),
                Liquid.checked(PushFields.string(a, "custom_uri"), "messages.apple_push.custom_uri"), buttons,
                PushFields.text(a, "notification_group_thread_id"), assetUrl,
                assetUrl.isPresent() ? Optional.ofNullable(a.path("asset_file_type").asText(null)) : Optional.empty(),
                PushFields.flag(a, "send_to_most_recent_device_only"));
    }

    /** An ISO-8601 time with an offset or in UTC. */
    private static Optional<Instant> instant(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant()).filter(Lenient::inRange);
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(Instant.parse(text)).filter(Lenient::inRange);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    @Override
    public Reach reach(ApplePushSpec spec, Addressee who, StoreTx tx) throws SQLException {
        return PushTokens.reach(who, tx, AppConfig.Platform.IOS, spec.sendToMostRecentDeviceOnly(),
                app -> app.apns().map(ApnsConfig::credentialKey).orElse("apns:sandbox:" + app.appId()));
    }

    /** A push whose own {@code expiry} comes sooner than the dispatch's age limit stops being worth sending then. */
    @Override
    public Instant ageLimit(ApplePushSpec spec, Instant dispatchLimit, Instant due) {
        return spec.expiry().filter(dispatchLimit::isAfter).orElse(dispatchLimit);
    }

    @Override
    public ApplePushMessage message(ApplePushSpec a, SendContext context, Fields f) throws Fields.Stop {
        var b = ApplePush.builder();
        if (a.alert().isPresent()) {
            ApplePush.Alert alert = a.alert().get();
            b.alert(new ApplePush.Alert(f.render(alert.title(), "apple_push alert title"),
                    f.render(alert.body(), "apple_push alert body"), alert.titleLocKey(), alert.titleLocArgs(),
                    alert.actionLocKey(), alert.locKey(), alert.locArgs()));
        }
        a.badge().ifPresent(b::badge);
        a.sound().ifPresent(b::sound);
        for (Map.Entry<String, Object> x : a.extra().entrySet()) {
            b.extra(x.getKey(), x.getValue() instanceof String s ? f.render(s, "apple_push extra") : x.getValue());
        }
        b.contentAvailable(a.contentAvailable()).mutableContent(a.mutableContent());
        a.category().ifPresent(b::category);
        a.interruptionLevel().ifPresent(b::interruptionLevel);
        a.relevanceScore().ifPresent(b::relevanceScore);
        a.expiry().ifPresent(b::expiry);
        a.collapseId().ifPresent(b::collapseId);
        a.apnsPriority().ifPresent(b::apnsPriority);
        f.render(a.customUri(), "apple_push custom_uri").ifPresent(b::customUri);
        a.buttons().forEach(b::button);
        a.threadId().ifPresent(b::threadId);
        a.assetUrl().ifPresent(u -> b.asset(u, a.assetFileType().orElse(null)));
        WorkspaceConfig ws = context.workspace();
        String topic = context.appId().flatMap(ws::app).flatMap(AppConfig::apns).map(ApnsConfig::topic)
                .orElse(context.appId().orElse("sandbox"));
        return new ApplePushMessage(context.ref(), context.address(), topic, b.build());
    }

    @Override
    public Optional<DirectoryEffect> effect(ApplePushSpec spec, DeliveryRow d, SendOutcome outcome) {
        return PushFields.tokenEffect(d, outcome);
    }

    @Override
    public SendOutcome simulate(ApplePushMessage m) {
        return PushTokens.simulate(m.deviceToken(), m.delivery());
    }

    @Override
    public Map<String, Object> describe(ApplePushMessage a) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("token", a.deviceToken());
        n.put("topic", a.topic());
        n.put("apple_push", Json.toJava(a.push()));
        return n;
    }

    @Override
    public SenderRoute<ApplePushMessage> route(ChannelSenders senders) {
        return senders.applePush();
    }

    /** One Pushy client per APNs credential; a key or certificate that cannot be loaded stops the start. */
    @Override
    public SenderRoute<ApplePushMessage> openSenders(List<WorkspaceConfig> workspaces, SenderResources resources) {
        return PushTokens.perCredential(workspaces, "apns", app -> app.apns().map(ApnsConfig::credentialKey),
                app -> ApnsSender.create(app.apns().orElseThrow(), resources.apns(),
                        ApnsSender.DEFAULT_MAX_IN_FLIGHT, resources.clock()));
    }
}
