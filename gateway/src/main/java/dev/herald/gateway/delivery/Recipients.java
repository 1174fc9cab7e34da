package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a recipient is written in the journal: {@code external_id:ID}, {@code alias:LABEL:NAME}, or
 * {@code braze_id:ID} for a profile without an external id (an email-only profile reached by email).
 */
public final class Recipients {
    private Recipients() {
    }

    /** The recipient key of a profile found by a broadcast. */
    public static String key(dev.herald.gateway.store.UserRow user) {
        return user.externalId().map(id -> "external_id:" + id).orElse("braze_id:" + user.brazeId());
    }

    /** The journal key for a normalised recipient object ({@code {external_user_id}} or {@code {user_alias}}). */
    public static String key(JsonNode recipient) {
        if (recipient.hasNonNull("external_user_id")) {
            return "external_id:" + recipient.get("external_user_id").asText();
        }
        if (recipient.hasNonNull("braze_id")) {
            return "braze_id:" + recipient.get("braze_id").asText();
        }
        if (recipient.hasNonNull("email")) {
            return "email:" + recipient.get("email").asText();
        }
        JsonNode alias = recipient.path("user_alias");
        return "alias:" + alias.path("alias_label").asText() + ":" + alias.path("alias_name").asText();
    }
}
