package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.Audience;
import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.MessageSpec;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.SubscriptionState;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.users.Profiles;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code /campaigns/trigger/send} and {@code /canvas/trigger/send} (and their scheduled forms,
 * braze-api.md §3): {@code recipients} (at most 50, de-duplicated, each with exactly one of
 * {@code external_user_id}, {@code user_alias}, {@code email}, {@code braze_id}, and its own properties that
 * override the top-level ones, {@code attributes}, {@code send_to_existing_only}), or {@code broadcast} with an
 * optional {@code audience}. The attribute writes run in the accept transaction.
 */
public final class TriggerRequest {
    /** The most a properties object may weigh, as at Braze: 50 KB. */
    static final int MAX_PROPERTIES = 50 * 1024;

    /** A recipient's profile write, done before the dispatch is stored. */
    private record AttributeWrite(Recipient recipient, Optional<JsonNode> attributes, boolean createIfNew) {
    }

    private final List<RecipientSpec> recipients;
    private final boolean broadcast;
    private final Optional<Audience> audience;
    private final Optional<String> sendId;
    private final SubscriptionState subscriptionState;
    private final RecipientSpec.Properties properties;
    private final List<AttributeWrite> writes;

    private TriggerRequest(List<RecipientSpec> recipients, boolean broadcast, Optional<Audience> audience,
                           Optional<String> sendId, SubscriptionState subscriptionState,
                           RecipientSpec.Properties properties, List<AttributeWrite> writes) {
        this.recipients = List.copyOf(recipients);
        this.broadcast = broadcast;
        this.audience = audience;
        this.sendId = sendId;
        this.subscriptionState = subscriptionState;
        this.properties = properties;
        this.writes = List.copyOf(writes);
    }

    /**
     * Validates a trigger body.
     *
     * @param canvas whether it is a Canvas trigger ({@code context} / {@code canvas_entry_properties}) rather than
     *               a campaign trigger ({@code trigger_properties})
     */
    public static TriggerRequest parse(JsonNode body, boolean canvas) {
        RecipientSpec.Properties properties = properties(body, canvas, "");
        if (body.hasNonNull("attachments") && !(body.get("attachments").isArray() && body.get("attachments").isEmpty())) {
            throw ApiException.badRequest("attachments are not supported by Herald yet; nothing was sent");
        }
        boolean broadcast = Lenient.bool(body, "broadcast", false);
        List<RecipientSpec> recipients = new ArrayList<>();
        List<AttributeWrite> writes = new ArrayList<>();
        JsonNode given = body.get("recipients");
        if (given != null && !given.isNull()) {
            if (!given.isArray()) {
                throw ApiException.badRequest("recipients must be an array");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (JsonNode r : given) {
                Recipient recipient = recipient(r);
                RecipientSpec.Properties own = properties(r, canvas, "recipients[].");
                if (!seen.add(recipient.key())) {
                    continue; // the same recipient twice gets one message, as at Braze
                }
                boolean existingOnly = Lenient.bool(r, "send_to_existing_only", true);
                Optional<JsonNode> attributes = Optional.ofNullable(r.get("attributes")).filter(a -> !a.isNull());
                if (attributes.isPresent() && !attributes.get().isObject()) {
                    throw ApiException.badRequest("recipients[].attributes must be an object");
                }
                if (!existingOnly && recipient instanceof Recipient.Alias) {
                    throw ApiException.badRequest("send_to_existing_only false cannot be used with user aliases");
                }
                if (!existingOnly && attributes.isEmpty()) {
                    throw ApiException.badRequest("send_to_existing_only false needs attributes for the new user");
                }
                recipients.add(new RecipientSpec(recipient, own));
                if (attributes.isPresent()) {
                    writes.add(new AttributeWrite(recipient, attributes, !existingOnly));
                }
            }
        }
        SendRequestParser.checkCount(recipients.size());
        if (broadcast && !recipients.isEmpty()) {
            throw ApiException.badRequest("broadcast cannot be true when recipients are given");
        }
        Optional<Audience> audience = SendRequestParser.audience(body);
        if (recipients.isEmpty() && !broadcast) {
            throw ApiException.badRequest(SendRequestParser.NO_RECIPIENTS + ": give recipients, or broadcast: true");
        }
        return new TriggerRequest(recipients, broadcast, audience, Lenient.string(body, "send_id", "send_id"),
                SendRequestParser.subscriptionState(body), properties, writes);
    }

    /**
     * The dispatch: these recipients and properties with a campaign's or Canvas's messages.
     *
     * @param campaignId the triggered campaign (empty for a Canvas)
     * @param canvasId   the triggered Canvas (empty for a campaign)
     */
    public DispatchSpec spec(List<MessageSpec> messages, Optional<String> campaignId, Optional<String> canvasId) {
        return DispatchSpec.builder().recipients(recipients).broadcast(broadcast).audience(audience).messages(messages)
                .subscriptionState(subscriptionState).campaignId(campaignId).sendId(sendId).canvasId(canvasId)
                .properties(properties).build();
    }

    /** Writes the recipients' attributes (creating profiles where allowed) inside the accept transaction. */
    public void writeAttributes(StoreTx tx, WorkspaceConfig ws, Instant now) throws SQLException {
        for (AttributeWrite w : writes) {
            if (Profiles.write(tx, ws, w.recipient(), w.attributes(), w.createIfNew(), now)
                    instanceof Profiles.Written.Invalid invalid) {
                throw ApiException.badRequest("recipients[].attributes: " + invalid.reason());
            }
        }
    }

    private static Recipient recipient(JsonNode r) {
        if (!r.isObject()) {
            throw ApiException.badRequest("each recipient must be an object");
        }
        int identifiers = 0;
        for (String id : List.of("external_user_id", "user_alias", "email", "braze_id")) {
            if (r.hasNonNull(id)) {
                identifiers++;
            }
        }
        if (identifiers != 1) {
            throw ApiException.badRequest("each recipient needs exactly one of external_user_id, user_alias, email and "
                    + "braze_id");
        }
        if (r.hasNonNull("external_user_id")) {
            return new Recipient.ExternalId(text(r, "external_user_id"));
        }
        if (r.hasNonNull("braze_id")) {
            return new Recipient.BrazeId(text(r, "braze_id"));
        }
        if (r.hasNonNull("email")) {
            return new Recipient.Email(text(r, "email").trim().toLowerCase(Locale.ROOT));
        }
        JsonNode a = r.get("user_alias");
        if (!a.path("alias_name").isTextual() || !a.path("alias_label").isTextual()) {
            throw ApiException.badRequest("recipients[].user_alias needs alias_name and alias_label strings");
        }
        return new Recipient.Alias(Lenient.identifier(a.get("alias_label").asText(), "recipients[].user_alias.alias_label"),
                Lenient.identifier(a.get("alias_name").asText(), "recipients[].user_alias.alias_name"));
    }

    private static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.badRequest("recipients[]." + field + " must be a non-empty string");
        }
        return Lenient.identifier(v.asText(), "recipients[]." + field);
    }

    /**
     * The properties an object gives: {@code trigger_properties} for a campaign; for a Canvas its entry properties,
     * {@code canvas_entry_properties} (legacy) overridden by {@code context}.
     */
    private static RecipientSpec.Properties properties(JsonNode o, boolean canvas, String path) {
        if (!canvas) {
            return new RecipientSpec.Properties(object(o, "trigger_properties", path), Map.of());
        }
        Map<String, Object> entry = new LinkedHashMap<>(object(o, "canvas_entry_properties", path));
        entry.putAll(object(o, "context", path));
        return new RecipientSpec.Properties(Map.of(), entry);
    }

    /**
     * A properties object of a request body ({@code trigger_properties}, {@code context}, ...) as plain Java values:
     * empty when absent, a 400 naming it when it is not an object or weighs more than 50 KB.
     */
    public static Map<String, Object> properties(JsonNode body, String name) {
        return object(body, name, "");
    }

    private static Map<String, Object> object(JsonNode o, String name, String path) {
        JsonNode p = o.get(name);
        if (p == null || p.isNull()) {
            return Map.of();
        }
        if (!p.isObject()) {
            throw ApiException.badRequest(path + name + " must be an object");
        }
        if (Json.bytes(p).length > MAX_PROPERTIES) {
            throw ApiException.badRequest(path + name + " must be at most 50 KB");
        }
        return Json.toMap(p);
    }
}
