package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Validates a {@code /messages/send} body (braze-api.md §2, errors per §1.4) into the normalised request
 * Herald stores: {@code recipients} as a list of {@code {external_user_id}} / {@code {user_alias}} objects,
 * de-duplicated; booleans coerced; every messaging object validated; nothing else kept.
 */
public final class SendRequestParser {
    public static final int MAX_RECIPIENTS = 50;
    public static final String TOO_MANY = "The max number of external_ids and aliases per request was exceeded";
    public static final String NO_RECIPIENTS = "No Recipients";
    public static final String NO_MESSAGE = "No message to send";
    /** Braze messaging objects Herald knows of but does not deliver (yet). */
    public static final Set<String> NOT_DELIVERED = Set.of("content_card", "kindle_push", "web_push", "whats_app",
            "windows_phone8_push", "windows_universal_push");
    /** The messaging objects Herald delivers, each with its validator to the stored form. */
    public static final Map<String, BiFunction<JsonNode, WorkspaceConfig, ObjectNode>> DELIVERED = Map.of(
            "webhook", (o, ws) -> WebhookObject.validate(o),
            "email", EmailObject::validate,
            "sms", SmsObject::validate,
            "apple_push", PushObjects::apple,
            "android_push", PushObjects::android);

    private final Map<String, BiFunction<JsonNode, WorkspaceConfig, ObjectNode>> messageObjects;

    /** A parser that accepts these messaging objects (name → validator to stored form). */
    public SendRequestParser(Map<String, BiFunction<JsonNode, WorkspaceConfig, ObjectNode>> messageObjects) {
        this.messageObjects = Map.copyOf(messageObjects);
    }

    /** A parser for every messaging object Herald delivers. */
    public static SendRequestParser standard() {
        return new SendRequestParser(DELIVERED);
    }

    public ObjectNode parse(JsonNode body, WorkspaceConfig ws) {
        ObjectNode out = Json.object();
        ArrayNode recipients = recipients(body);
        boolean broadcast = Lenient.bool(body, "broadcast", false);
        if (body.hasNonNull("segment_id")) {
            throw ApiException.badRequest("segment_id is not supported by Herald (it has no segments): target an "
                    + "audience (Connected Audience filters) with broadcast: true");
        }
        if (broadcast && !recipients.isEmpty()) {
            throw ApiException.badRequest("broadcast cannot be true when external_user_ids or user_aliases are given");
        }
        audience(body).ifPresent(a -> out.set("audience", a));
        if (recipients.isEmpty() && !broadcast) {
            throw ApiException.badRequest(NO_RECIPIENTS);
        }
        if (broadcast) {
            out.put("broadcast", true);
        }
        out.set("recipients", recipients);
        Lenient.string(body, "campaign_id", "campaign_id").ifPresent(v -> out.put("campaign_id", v));
        Lenient.string(body, "send_id", "send_id").ifPresent(v -> out.put("send_id", v));
        out.put("recipient_subscription_state", subscriptionState(body));
        Lenient.bool(body, "override_frequency_capping", false);
        out.set("messages", messages(body.get("messages"), ws));
        return out;
    }

    /** The {@code audience} (Connected Audience filters), validated. */
    public static java.util.Optional<JsonNode> audience(JsonNode body) {
        JsonNode a = body.get("audience");
        if (a == null || a.isNull()) {
            return java.util.Optional.empty();
        }
        try {
            dev.herald.gateway.delivery.Audience.parse(a);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("audience: " + e.getMessage());
        }
        return java.util.Optional.of(a);
    }

    public static String subscriptionState(JsonNode body) {
        String s = Lenient.string(body, "recipient_subscription_state", "recipient_subscription_state")
                .orElse("subscribed");
        if (!s.equals("opted_in") && !s.equals("subscribed") && !s.equals("all")) {
            throw ApiException.badRequest("recipient_subscription_state must be opted_in, subscribed or all, was " + s);
        }
        return s;
    }

    public static ArrayNode recipients(JsonNode body) {
        Set<String> seen = new LinkedHashSet<>();
        ArrayNode out = Json.MAPPER.createArrayNode();
        JsonNode ids = body.get("external_user_ids");
        if (ids != null && !ids.isNull()) {
            List<JsonNode> list = ids.isArray() ? toList(ids) : List.of(ids);
            for (JsonNode id : list) {
                if (!id.isTextual() || id.asText().isBlank()) {
                    throw ApiException.badRequest("external_user_ids must be an array of non-empty strings");
                }
                if (seen.add("external_id:" + id.asText())) {
                    out.addObject().put("external_user_id", id.asText());
                }
            }
        }
        JsonNode aliases = body.get("user_aliases");
        if (aliases != null && !aliases.isNull()) {
            List<JsonNode> list = aliases.isArray() ? toList(aliases) : List.of(aliases); // the docs' own example sends one object
            for (JsonNode a : list) {
                String name = a.path("alias_name").isTextual() ? a.path("alias_name").asText() : "";
                String label = a.path("alias_label").isTextual() ? a.path("alias_label").asText() : "";
                if (!a.isObject() || name.isBlank() || label.isBlank()) {
                    throw ApiException.badRequest("user_aliases must be objects with alias_name and alias_label strings");
                }
                if (seen.add("alias:" + label + ":" + name)) {
                    ObjectNode alias = out.addObject().putObject("user_alias");
                    alias.put("alias_name", name);
                    alias.put("alias_label", label);
                }
            }
        }
        if (out.size() > MAX_RECIPIENTS) {
            throw new ApiException(400, TOO_MANY, List.of(out.size() + " recipients given, at most " + MAX_RECIPIENTS
                    + " allowed"));
        }
        return out;
    }

    public ObjectNode messages(JsonNode messages, WorkspaceConfig ws) {
        if (messages == null || messages.isNull()) {
            throw ApiException.badRequest(NO_MESSAGE);
        }
        if (!messages.isObject()) {
            throw ApiException.badRequest("messages must be an object of messaging objects");
        }
        ObjectNode out = Json.object();
        List<String> undeliverable = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : messages.properties()) {
            String name = e.getKey();
            if (e.getValue() == null || e.getValue().isNull()) {
                continue;
            }
            BiFunction<JsonNode, WorkspaceConfig, ObjectNode> validator = messageObjects.get(name);
            if (validator != null) {
                ObjectNode valid = validator.apply(e.getValue(), ws);
                checkLiquid(valid, "messages." + name);
                out.set(name, valid);
            } else if (NOT_DELIVERED.contains(name)) {
                undeliverable.add(name);
            } else {
                throw ApiException.badRequest("Unknown messaging object \"" + name + "\" in messages");
            }
        }
        if (!undeliverable.isEmpty()) {
            throw new ApiException(400, "Herald does not deliver " + String.join(", ", undeliverable)
                    + " messages yet; nothing was sent", undeliverable.stream()
                    .map(n -> n + ": not supported").toList());
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest(NO_MESSAGE);
        }
        return out;
    }

    /** Every string of a messaging object must parse as Liquid; the message names the field and the error. */
    private static void checkLiquid(JsonNode node, String path) {
        if (node.isTextual()) {
            dev.herald.gateway.template.TemplateEngine.syntaxError(node.asText()).ifPresent(error -> {
                throw ApiException.badRequest(path + " is not valid Liquid: " + error);
            });
        } else if (node.isObject()) {
            node.properties().forEach(f -> checkLiquid(f.getValue(), path + "." + f.getKey()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkLiquid(node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>(array.size());
        array.forEach(list::add);
        return list;
    }
}
