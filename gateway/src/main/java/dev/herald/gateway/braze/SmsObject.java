package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.json.Json;
import java.net.URI;

/**
 * Validates Braze's {@code sms} messaging object (braze-api.md §2.7): {@code subscription_group_id} (required,
 * configured in {@code sms.subscription_groups}), {@code body} (required), {@code media_items} (MMS image URLs);
 * {@code app_id}, {@code message_variation_id} and the link-shortening flags are accepted.
 */
public final class SmsObject {
    public static final int MAX_BODY = 1600;

    private SmsObject() {
    }

    public static ObjectNode validate(JsonNode s, WorkspaceConfig ws) {
        if (!s.isObject()) {
            throw ApiException.badRequest("messages.sms must be an object");
        }
        String group = Lenient.string(s, "subscription_group_id", "messages.sms.subscription_group_id")
                .filter(g -> !g.isBlank())
                .orElseThrow(() -> ApiException.badRequest("messages.sms.subscription_group_id is required"));
        if (ws.sms().isEmpty()) {
            throw ApiException.badRequest("messages.sms: this workspace has no SMS provider configured (sms.twilio)");
        }
        if (!ws.sms().get().subscriptionGroups().containsKey(group)) {
            throw ApiException.badRequest("messages.sms.subscription_group_id: unknown subscription group \"" + group
                    + "\" (configure it under sms.subscription_groups)");
        }
        ObjectNode out = Json.object();
        out.put("subscription_group_id", group);
        String body = Lenient.requiredString(s, "body", "messages.sms.body");
        if (body.length() > MAX_BODY) {
            throw ApiException.badRequest("messages.sms.body is longer than " + MAX_BODY + " characters");
        }
        out.put("body", body);
        ArrayNode media = out.putArray("media_items");
        JsonNode given = s.path("media_items");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isArray()) {
                throw ApiException.badRequest("messages.sms.media_items must be an array of image URLs");
            }
            for (JsonNode m : given) {
                String url = m.isObject() ? m.path("url").asText("") : m.asText("");
                try {
                    URI u = new URI(url);
                    if (u.getHost() == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
                        throw new IllegalArgumentException();
                    }
                } catch (Exception e) {
                    throw ApiException.badRequest("messages.sms.media_items must be http(s) URLs, was \"" + url + "\"");
                }
                media.add(url);
            }
        }
        Lenient.string(s, "app_id", "messages.sms.app_id").ifPresent(v -> out.put("app_id", v));
        return out;
    }
}
