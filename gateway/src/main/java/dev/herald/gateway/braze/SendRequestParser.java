package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.channel.Channel;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.binding.ChannelBindings;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.model.Audience;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.SubscriptionState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a {@code /messages/send} body (braze-api.md §2, errors per §1.4) into a {@link DispatchSpec}:
 * {@code external_user_ids} and {@code user_aliases} as de-duplicated recipients (at most 50), booleans coerced,
 * an audience compiled, every messaging object validated by its channel's binding; nothing else kept.
 */
public final class SendRequestParser {
    /** Braze's most recipients per request. */
    public static final int MAX_RECIPIENTS = 50;
    static final String TOO_MANY = "The max number of external_ids and aliases per request was exceeded";
    static final String NO_RECIPIENTS = "No Recipients";
    static final String NO_MESSAGE = "No message to send";
    /** Braze messaging objects Herald knows of but does not deliver (yet). */
    static final Set<String> NOT_DELIVERED = Set.of("content_card", "kindle_push", "web_push", "whats_app",
            "windows_phone8_push", "windows_universal_push");

    private SendRequestParser() {
    }

    /** The spec of a {@code /messages/send} (or {@code /messages/schedule/create}) body. */
    public static DispatchSpec parse(JsonNode body, WorkspaceConfig ws) {
        List<RecipientSpec> recipients = recipients(body);
        boolean broadcast = Lenient.bool(body, "broadcast", false);
        if (body.hasNonNull("segment_id")) {
            throw ApiException.badRequest("segment_id is not supported by Herald (it has no segments): target an "
                    + "audience (Connected Audience filters) with broadcast: true");
        }
        if (broadcast && !recipients.isEmpty()) {
            throw ApiException.badRequest("broadcast cannot be true when external_user_ids or user_aliases are given");
        }
        Optional<Audience> audience = audience(body);
        if (recipients.isEmpty() && !broadcast) {
            throw ApiException.badRequest(NO_RECIPIENTS);
        }
        var spec = DispatchSpec.builder().recipients(recipients).broadcast(broadcast).audience(audience)
                .campaignId(Lenient.string(body, "campaign_id", "campaign_id"))
                .sendId(Lenient.string(body, "send_id", "send_id"))
                .subscriptionState(subscriptionState(body));
        Lenient.bool(body, "override_frequency_capping", false);
        return spec.messages(messages(body.get("messages"), Optional.of(ws))).build();
    }

    /** The {@code audience} (Connected Audience filters), validated. */
    public static Optional<Audience> audience(JsonNode body) {
        JsonNode a = body.get("audience");
        if (a == null || a.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(AudienceParser.parse(a));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("audience: " + e.getMessage());
        }
    }

    /** {@code recipient_subscription_state}: {@code subscribed} unless given. */
    public static SubscriptionState subscriptionState(JsonNode body) {
        String s = Lenient.string(body, "recipient_subscription_state", "recipient_subscription_state")
                .orElse("subscribed");
        return SubscriptionState.of(s).orElseThrow(() -> ApiException.badRequest(
                "recipient_subscription_state must be opted_in, subscribed or all, was " + s));
    }

    private static List<RecipientSpec> recipients(JsonNode body) {
        Set<String> seen = new LinkedHashSet<>();
        List<RecipientSpec> out = new ArrayList<>();
        JsonNode ids = body.get("external_user_ids");
        if (ids != null && !ids.isNull()) {
            if (!ids.isArray()) {
                throw ApiException.badRequest("external_user_ids must be an array of non-empty strings");
            }
            for (JsonNode id : list(ids)) {
                if (!id.isTextual() || id.asText().isBlank()) {
                    throw ApiException.badRequest("external_user_ids must be an array of non-empty strings");
                }
                add(out, seen, new Recipient.ExternalId(Lenient.identifier(id.asText(), "external_user_ids[]")));
            }
        }
        JsonNode aliases = body.get("user_aliases");
        if (aliases != null && !aliases.isNull()) {
            // The docs' own example sends one object rather than an array.
            for (JsonNode a : aliases.isArray() ? list(aliases) : List.of(aliases)) {
                String name = a.path("alias_name").isTextual() ? a.path("alias_name").asText() : "";
                String label = a.path("alias_label").isTextual() ? a.path("alias_label").asText() : "";
                if (!a.isObject() || name.isBlank() || label.isBlank()) {
                    throw ApiException.badRequest("user_aliases must be objects with alias_name and alias_label strings");
                }
                add(out, seen, new Recipient.Alias(Lenient.identifier(label, "user_aliases[].alias_label"),
                        Lenient.identifier(name, "user_aliases[].alias_name")));
            }
        }
        checkCount(out.size());
        return out;
    }

    private static void add(List<RecipientSpec> out, Set<String> seen, Recipient r) {
        if (seen.add(r.key())) {
            out.add(RecipientSpec.of(r));
        }
    }

    /** Braze's error for too many recipients. */
    static void checkCount(int recipients) {
        if (recipients > MAX_RECIPIENTS) {
            throw new ApiException(400, TOO_MANY, List.of(recipients + " recipients given, at most " + MAX_RECIPIENTS
                    + " allowed"));
        }
    }

    /**
     * The messaging objects of {@code messages}, each validated by its channel's binding (with a workspace, also
     * against what it can send). Objects Braze has but Herald does not deliver are a 400 naming them, never a
     * silent 201.
     */
    public static List<MessageSpec> messages(JsonNode messages, Optional<WorkspaceConfig> ws) {
        if (messages == null || messages.isNull()) {
            throw ApiException.badRequest(NO_MESSAGE);
        }
        if (!messages.isObject()) {
            throw ApiException.badRequest("messages must be an object of messaging objects");
        }
        List<MessageSpec> out = new ArrayList<>();
        List<String> undeliverable = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : messages.properties()) {
            String name = e.getKey();
            if (e.getValue() == null || e.getValue().isNull()) {
                continue;
            }
            Optional<Channel> channel = channel(name);
            if (channel.isPresent()) {
                out.add(ChannelBindings.of(channel.get()).parse(e.getValue(), ws));
            } else if (NOT_DELIVERED.contains(name)) {
                undeliverable.add(name);
            } else {
                throw ApiException.badRequest("Unknown messaging object \"" + name + "\" in messages");
            }
        }
        if (!undeliverable.isEmpty()) {
            throw new ApiException(400, "Herald does not deliver " + String.join(", ", undeliverable)
                    + " messages yet; nothing was sent", undeliverable.stream().map(n -> n + ": not supported").toList());
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest(NO_MESSAGE);
        }
        return out;
    }

    private static Optional<Channel> channel(String name) {
        for (Channel c : Channel.values()) {
            if (c.wireName().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> list = new ArrayList<>(array.size());
        array.forEach(list::add);
        return list;
    }
}
