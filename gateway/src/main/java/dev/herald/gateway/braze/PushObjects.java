package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.AppConfig;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.json.Json;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * Validates Braze's {@code apple_push} and {@code android_push} objects with Braze's documented errors
 * (braze-api.md §1.4, §2.3, §2.4): {@code Invalid Extra Push Payload} when {@code extra} is not an object or
 * (Apple) holds {@code ab} or {@code aps}; {@code Apple Push Length Exceeded} above 1,912 bytes;
 * {@code Android Push Length Exceeded} above 4,000 bytes. The object is stored as given once valid.
 */
public final class PushObjects {
    public static final int APPLE_MAX_BYTES = 1912;
    public static final int ANDROID_MAX_BYTES = 4000;
    public static final String INVALID_EXTRA = "Invalid Extra Push Payload";
    private static final Set<String> LEVELS = Set.of("passive", "active", "time-sensitive", "critical");

    private PushObjects() {
    }

    public static ObjectNode apple(JsonNode a, WorkspaceConfig ws) {
        if (!a.isObject()) {
            throw ApiException.badRequest("messages.apple_push must be an object");
        }
        requireApp(ws, AppConfig.Platform.IOS, "apple_push");
        extra(a, true);
        boolean background = Lenient.bool(a, "content-available", false);
        JsonNode alert = a.path("alert");
        if (!background && !(alert.isTextual() || alert.isObject())) {
            throw ApiException.badRequest("messages.apple_push.alert is required (a string or an alert object) unless "
                    + "content-available is true");
        }
        if (alert.isObject() && !alert.path("body").isTextual() && !alert.path("loc_key").isTextual() && !background) {
            throw ApiException.badRequest("messages.apple_push.alert.body is required");
        }
        integer(a, "apple_push", "badge", Integer.MIN_VALUE, Integer.MAX_VALUE);
        integer(a, "apple_push", "apns_priority", 1, 10);
        if (a.hasNonNull("interruption_level") && !LEVELS.contains(a.get("interruption_level").asText())) {
            throw ApiException.badRequest("messages.apple_push.interruption_level must be passive, active, "
                    + "time-sensitive or critical");
        }
        if (a.hasNonNull("relevance_score") && (!a.get("relevance_score").isNumber()
                || a.get("relevance_score").asDouble() < 0 || a.get("relevance_score").asDouble() > 1)) {
            throw ApiException.badRequest("messages.apple_push.relevance_score must be a number from 0.0 to 1.0");
        }
        if (a.hasNonNull("expiry")) {
            try {
                java.time.OffsetDateTime.parse(a.get("expiry").asText());
            } catch (DateTimeParseException e) {
                try {
                    java.time.Instant.parse(a.get("expiry").asText());
                } catch (DateTimeParseException e2) {
                    throw ApiException.badRequest("messages.apple_push.expiry must be an ISO 8601 date-time");
                }
            }
        }
        if (a.hasNonNull("asset_url") && !a.hasNonNull("asset_file_type")) {
            throw ApiException.badRequest("messages.apple_push.asset_file_type is required with asset_url");
        }
        if (a.hasNonNull("buttons") && !a.get("buttons").isArray()) {
            throw ApiException.badRequest("messages.apple_push.buttons must be an array");
        }
        if (Json.bytes(a).length > APPLE_MAX_BYTES) {
            throw new ApiException(400, "Apple Push Length Exceeded", List.of("the apple_push object is "
                    + Json.bytes(a).length + " bytes, at most " + APPLE_MAX_BYTES));
        }
        return (ObjectNode) a.deepCopy();
    }

    public static ObjectNode android(JsonNode a, WorkspaceConfig ws) {
        if (!a.isObject()) {
            throw ApiException.badRequest("messages.android_push must be an object");
        }
        requireApp(ws, AppConfig.Platform.ANDROID, "android_push");
        extra(a, false);
        boolean sync = Lenient.bool(a, "send_to_sync", false);
        if (sync && (a.hasNonNull("alert") || a.hasNonNull("title"))) {
            throw ApiException.badRequest("messages.android_push: alert and title must not be set with send_to_sync");
        }
        if (!sync && (!a.path("alert").isTextual() || !a.path("title").isTextual())) {
            throw ApiException.badRequest("messages.android_push.alert and title are required strings");
        }
        integer(a, "android_push", "priority", Integer.MIN_VALUE, Integer.MAX_VALUE);
        integer(a, "android_push", "time_to_live", 0, 2_419_200);
        integer(a, "android_push", "notification_id", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (a.hasNonNull("android_priority") && !Set.of("normal", "high").contains(a.get("android_priority").asText())) {
            throw ApiException.badRequest("messages.android_push.android_priority must be normal or high");
        }
        if (Json.bytes(a).length > ANDROID_MAX_BYTES) {
            throw new ApiException(400, "Android Push Length Exceeded", List.of("the android_push object is "
                    + Json.bytes(a).length + " bytes, at most " + ANDROID_MAX_BYTES));
        }
        return (ObjectNode) a.deepCopy();
    }

    private static void requireApp(WorkspaceConfig ws, AppConfig.Platform platform, String object) {
        if (ws.apps().stream().noneMatch(app -> app.platform() == platform)) {
            throw ApiException.badRequest("messages." + object + ": this workspace has no " + platform.configName()
                    + " app configured (apps)");
        }
    }

    private static void extra(JsonNode a, boolean apple) {
        JsonNode extra = a.get("extra");
        if (extra == null || extra.isNull()) {
            return;
        }
        if (!extra.isObject()) {
            throw ApiException.badRequest(INVALID_EXTRA);
        }
        if (apple && (extra.has("ab") || extra.has("aps"))) {
            throw new ApiException(400, INVALID_EXTRA, List.of("extra may not contain the keys \"ab\" or \"aps\""));
        }
    }

    private static void integer(JsonNode a, String object, String field, int min, int max) {
        JsonNode v = a.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
            throw ApiException.badRequest("messages." + object + "." + field + " must be a whole number"
                    + (min == Integer.MIN_VALUE ? "" : " from " + min + " to " + max));
        }
    }
}
