package dev.herald.gateway.braze;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.users.Profiles;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code /campaigns/trigger/send} and {@code /canvas/trigger/send} (and their scheduled forms,
 * braze-api.md §3): {@code recipients} (at most 50, de-duplicated, each with exactly one of
 * {@code external_user_id}, {@code user_alias}, {@code email}, {@code braze_id}, and its own properties that
 * override the top-level ones, {@code attributes}, {@code send_to_existing_only}), or {@code broadcast} with an
 * optional {@code audience}. Validated into the stored request; the attribute writes run in the accept
 * transaction.
 */
public final class TriggerRequest {
    /** The most a properties object may weigh, as at Braze: 50 KB. */
    public static final int MAX_PROPERTIES = 50 * 1024;

    /** A recipient's profile write, done before the dispatch is stored. */
    private record AttributeWrite(JsonNode recipient, Optional<JsonNode> attributes, boolean createIfNew) {
    }

    public final ObjectNode request;
    private final List<AttributeWrite> writes;

    private TriggerRequest(ObjectNode request, List<AttributeWrite> writes) {
        this.request = request;
        this.writes = List.copyOf(writes);
    }

    /**
     * Validates a trigger body.
     *
     * @param canvas whether it is a Canvas trigger ({@code context} / {@code canvas_entry_properties}) rather than
     *               a campaign trigger ({@code trigger_properties})
     */
    public static TriggerRequest parse(JsonNode body, boolean canvas) {
        ObjectNode out = Json.object();
        List<String> propertyNames = canvas ? List.of("context", "canvas_entry_properties")
                : List.of("trigger_properties");
        for (String name : propertyNames) {
            JsonNode p = body.get(name);
            if (p != null && !p.isNull()) {
                out.set(name, properties(p, name));
            }
        }
        if (body.hasNonNull("attachments") && !(body.get("attachments").isArray() && body.get("attachments").isEmpty())) {
            throw ApiException.badRequest("attachments are not supported by Herald yet; nothing was sent");
        }
        boolean broadcast = Lenient.bool(body, "broadcast", false);
        ArrayNode recipients = out.putArray("recipients");
        List<AttributeWrite> writes = new ArrayList<>();
        JsonNode given = body.get("recipients");
        if (given != null && !given.isNull()) {
            if (!given.isArray()) {
                throw ApiException.badRequest("recipients must be an array");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (JsonNode r : given) {
                ObjectNode recipient = recipient(r, propertyNames);
                String key = dev.herald.gateway.delivery.Recipients.key(recipient);
                if (!seen.add(key)) {
                    continue; // the same recipient twice gets one message, as at Braze
                }
                boolean existingOnly = Lenient.bool(r, "send_to_existing_only", true);
                Optional<JsonNode> attributes = Optional.ofNullable(r.get("attributes")).filter(a -> !a.isNull());
                if (attributes.isPresent() && !attributes.get().isObject()) {
                    throw ApiException.badRequest("recipients[].attributes must be an object");
                }
                if (!existingOnly && recipient.has("user_alias")) {
                    throw ApiException.badRequest("send_to_existing_only false cannot be used with user aliases");
                }
                if (!existingOnly && attributes.isEmpty()) {
                    throw ApiException.badRequest("send_to_existing_only false needs attributes for the new user");
                }
                recipients.add(recipient);
                if (attributes.isPresent()) {
                    writes.add(new AttributeWrite(recipient, attributes, !existingOnly));
                }
            }
        }
        if (recipients.size() > SendRequestParser.MAX_RECIPIENTS) {
            throw new ApiException(400, SendRequestParser.TOO_MANY, List.of(recipients.size()
                    + " recipients given, at most " + SendRequestParser.MAX_RECIPIENTS + " allowed"));
        }
        if (broadcast && !recipients.isEmpty()) {
            throw ApiException.badRequest("broadcast cannot be true when recipients are given");
        }
        SendRequestParser.audience(body).ifPresent(a -> out.set("audience", a));
        if (recipients.isEmpty() && !broadcast) {
            throw ApiException.badRequest(SendRequestParser.NO_RECIPIENTS + ": give recipients, or broadcast: true");
        }
        if (broadcast) {
            out.put("broadcast", true);
        }
        Lenient.string(body, "send_id", "send_id").ifPresent(v -> out.put("send_id", v));
        out.put("recipient_subscription_state", SendRequestParser.subscriptionState(body));
        return new TriggerRequest(out, writes);
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

    private static ObjectNode recipient(JsonNode r, List<String> propertyNames) {
        if (!r.isObject()) {
            throw ApiException.badRequest("each recipient must be an object");
        }
        ObjectNode out = Json.object();
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
            out.put("external_user_id", text(r, "external_user_id"));
        } else if (r.hasNonNull("braze_id")) {
            out.put("braze_id", text(r, "braze_id"));
        } else if (r.hasNonNull("email")) {
            out.put("email", text(r, "email").trim().toLowerCase(Locale.ROOT));
        } else {
            JsonNode a = r.get("user_alias");
            if (!a.path("alias_name").isTextual() || !a.path("alias_label").isTextual()) {
                throw ApiException.badRequest("recipients[].user_alias needs alias_name and alias_label strings");
            }
            ObjectNode alias = out.putObject("user_alias");
            alias.put("alias_name", a.get("alias_name").asText());
            alias.put("alias_label", a.get("alias_label").asText());
        }
        for (String name : propertyNames) {
            JsonNode p = r.get(name);
            if (p != null && !p.isNull()) {
                out.set(name, properties(p, "recipients[]." + name));
            }
        }
        return out;
    }

    private static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.badRequest("recipients[]." + field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static JsonNode properties(JsonNode p, String name) {
        if (!p.isObject()) {
            throw ApiException.badRequest(name + " must be an object");
        }
        if (Json.bytes(p).length > MAX_PROPERTIES) {
            throw ApiException.badRequest(name + " must be at most 50 KB");
        }
        return p;
    }
}
