package dev.herald.gateway.binding;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.AndroidPush;
import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.fcm.FcmSender;
import dev.herald.config.AppConfig;
import dev.herald.config.FcmConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.AndroidPushSpec;
import dev.herald.gateway.store.DeliveryRow;
import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Android push through FCM (braze-api.md §2.4). One delivery per valid Android token of the user, each leaving
 * through its app's Firebase project (one Firebase app per project); FCM's UNREGISTERED marks the token invalid.
 */
public final class AndroidPushBinding implements ChannelBinding<AndroidPushSpec, AndroidPushMessage> {
    /** Braze's limit on the {@code android_push} object. */
    static final int MAX_BYTES = 4000;
    /** FCM's longest time to live: 28 days. */
    static final long MAX_TTL_SECONDS = 2_419_200;

    AndroidPushBinding() {
    }

    @Override
    public Channel channel() {
        return Channel.ANDROID_PUSH;
    }

    /**
     * {@code alert} and {@code title} are required unless {@code send_to_sync}; Braze's errors:
     * {@code Invalid Extra Push Payload} when {@code extra} is not an object, {@code Android Push Length Exceeded}
     * above 4,000 bytes.
     */
    @Override
    public AndroidPushSpec parse(JsonNode a, Optional<WorkspaceConfig> workspace) {
        if (!a.isObject()) {
            throw ApiException.badRequest("messages.android_push must be an object");
        }
        workspace.ifPresent(ws -> PushTokens.requireApp(ws, AppConfig.Platform.ANDROID, "android_push"));
        JsonNode extra = a.get("extra");
        if (extra != null && !extra.isNull() && !extra.isObject()) {
            throw ApiException.badRequest(ApplePushBinding.INVALID_EXTRA);
        }
        boolean sync = Lenient.bool(a, "send_to_sync", false);
        if (sync && (a.hasNonNull("alert") || a.hasNonNull("title"))) {
            throw ApiException.badRequest("messages.android_push: alert and title must not be set with send_to_sync");
        }
        if (!sync && (!a.path("alert").isTextual() || !a.path("title").isTextual())) {
            throw ApiException.badRequest("messages.android_push.alert and title are required strings");
        }
        PushFields.integer(a, "android_push", "priority", Integer.MIN_VALUE, Integer.MAX_VALUE);
        PushFields.integer(a, "android_push", "time_to_live", 0, (int) MAX_TTL_SECONDS);
        PushFields.integer(a, "android_push", "notification_id", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (a.hasNonNull("android_priority") && !Set.of("normal", "high").contains(a.get("android_priority").asText())) {
            throw ApiException.badRequest("messages.android_push.android_priority must be normal or high");
        }
        int size = Json.bytes(a).length;
        if (size > MAX_BYTES) {
            throw new ApiException(400, "Android Push Length Exceeded", List.of("the android_push object is " + size
                    + " bytes, at most " + MAX_BYTES));
        }
        int priority = a.path("priority").asInt(0);
        return new AndroidPushSpec(
                Liquid.checked(PushFields.string(a, "alert"), "messages.android_push.alert"),
                Liquid.checked(PushFields.string(a, "title"), "messages.android_push.title"),
                PushFields.extra(a, "messages.android_push.extra"),
                a.hasNonNull("priority") ? Optional.of(priority < -2 || priority > 2 ? 0 : priority) : Optional.empty(),
                PushFields.text(a, "android_priority"), PushFields.text(a, "collapse_key"),
                a.path("time_to_live").canConvertToLong()
                        ? Optional.of(Math.min(MAX_TTL_SECONDS, a.get("time_to_live").asLong())) : Optional.empty(),
                PushFields.text(a, "notification_channel_id"), PushFields.text(a, "sound"),
                Liquid.checked(PushFields.string(a, "custom_uri"), "messages.android_push.custom_uri"),
                PushFields.flag(a, "send_to_sync"),
                Liquid.checked(PushFields.string(a, "summary_text"), "messages.android_push.summary_text"),
                a.path("notification_id").canConvertToInt() ? Optional.of(a.get("notification_id").intValue())
                        : Optional.empty(),
                PushFields.flag(a, "send_to_most_recent_device_only"));
    }

    @Override
    public Reach reach(AndroidPushSpec spec, Addressee who, StoreTx tx) throws SQLException {
        return PushTokens.reach(who, tx, AppConfig.Platform.ANDROID, spec.sendToMostRecentDeviceOnly(),
                app -> app.fcm().map(FcmConfig::credentialKey).orElse("fcm:sandbox:" + app.appId()));
    }

    /** A push whose own {@code time_to_live}, counted from when it is due, ends sooner than the dispatch's limit. */
    @Override
    public Instant ageLimit(AndroidPushSpec spec, Instant dispatchLimit, Instant due) {
        return spec.timeToLiveSeconds().map(due::plusSeconds).filter(dispatchLimit::isAfter).orElse(dispatchLimit);
    }

    @Override
    public AndroidPushMessage message(AndroidPushSpec a, SendContext context, Fields f) throws Fields.Stop {
        Map<String, String> extra = new LinkedHashMap<>();
        for (Map.Entry<String, Object> x : a.extra().entrySet()) {
            // FCM data values are strings: anything else is sent as its JSON text.
            extra.put(x.getKey(), x.getValue() instanceof String s ? f.render(s, "android_push extra")
                    : Json.text(x.getValue()));
        }
        var push = new AndroidPush(f.render(a.alert(), "android_push alert"), f.render(a.title(), "android_push title"),
                extra, a.priority(), a.androidPriority(), a.collapseKey(), a.timeToLiveSeconds().map(Duration::ofSeconds),
                a.notificationChannelId(), a.sound(), f.render(a.customUri(), "android_push custom_uri"),
                a.sendToSync(), f.render(a.summaryText(), "android_push summary_text"), a.notificationId(),
                Optional.ofNullable(extra.get("appboy_image_url")));
        return new AndroidPushMessage(context.ref(), context.address(), push);
    }

    @Override
    public Optional<DirectoryEffect> effect(AndroidPushSpec spec, DeliveryRow d, SendOutcome outcome) {
        return PushFields.tokenEffect(d, outcome);
    }

    @Override
    public SendOutcome simulate(AndroidPushMessage m) {
        return PushTokens.simulate(m.token(), m.delivery());
    }

    @Override
    public Map<String, Object> describe(AndroidPushMessage a) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("token", a.token());
        n.put("android_push", Json.toJava(a.push()));
        return n;
    }

    @Override
    public SenderRoute<AndroidPushMessage> route(ChannelSenders senders) {
        return senders.androidPush();
    }

    /** One Firebase app per project; a service account that cannot be read stops the start. */
    @Override
    public SenderRoute<AndroidPushMessage> openSenders(List<WorkspaceConfig> workspaces, SenderResources resources) {
        return PushTokens.perCredential(workspaces, "fcm", app -> app.fcm().map(FcmConfig::credentialKey),
                app -> FcmSender.create(app.fcm().orElseThrow(), 64, resources.clock()));
    }
}
