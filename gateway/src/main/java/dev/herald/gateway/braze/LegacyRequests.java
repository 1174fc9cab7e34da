package dev.herald.gateway.braze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.SubscriptionState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the request an older Herald kept (spec version 0: the normalised Braze request JSON, validated when it was
 * accepted) into today's {@link DispatchSpec}, so a journal survives the upgrade. The messaging objects go through
 * the channels' bindings again, without the workspace checks (the configuration may have changed since; a message
 * that can no longer be sent fails at its attempt with the reason).
 */
public final class LegacyRequests {
    private LegacyRequests() {
    }

    /**
     * The spec of a version-0 document.
     *
     * @throws IllegalArgumentException if it is not one (naming what is wrong)
     */
    public static DispatchSpec toSpec(String document) {
        JsonNode request;
        try {
            request = Json.parse(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        List<RecipientSpec> recipients = new ArrayList<>();
        for (JsonNode r : request.path("recipients")) {
            recipients.add(new RecipientSpec(recipient(r), properties(r)));
        }
        try {
            return DispatchSpec.builder().recipients(recipients)
                    .broadcast(request.path("broadcast").asBoolean(false))
                    .audience(SendRequestParser.audience(request))
                    .messages(SendRequestParser.messages(request.get("messages"), Optional.empty()))
                    .subscriptionState(SubscriptionState.of(request.path("recipient_subscription_state")
                            .asText("subscribed")).orElse(SubscriptionState.SUBSCRIBED))
                    .campaignId(text(request, "campaign_id")).sendId(text(request, "send_id"))
                    .canvasId(text(request, "canvas_id")).externalSendId(text(request, "external_send_id"))
                    .properties(properties(request)).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Recipient recipient(JsonNode r) {
        if (r.hasNonNull("external_user_id")) {
            return new Recipient.ExternalId(r.get("external_user_id").asText());
        }
        if (r.hasNonNull("braze_id")) {
            return new Recipient.BrazeId(r.get("braze_id").asText());
        }
        if (r.hasNonNull("email")) {
            return new Recipient.Email(r.get("email").asText());
        }
        JsonNode alias = r.path("user_alias");
        return new Recipient.Alias(alias.path("alias_label").asText(), alias.path("alias_name").asText());
    }

    /** The version-0 property names: {@code trigger_properties}; {@code canvas_entry_properties} and {@code context}. */
    private static RecipientSpec.Properties properties(JsonNode o) {
        Map<String, Object> entry = new LinkedHashMap<>(Json.toMap(o.path("canvas_entry_properties")));
        entry.putAll(Json.toMap(o.path("context")));
        return new RecipientSpec.Properties(Json.toMap(o.path("trigger_properties")), entry);
    }

    private static Optional<String> text(JsonNode o, String field) {
        return o.hasNonNull(field) ? Optional.of(o.get(field).asText()) : Optional.empty();
    }
}
