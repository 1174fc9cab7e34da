package dev.herald.gateway.delivery;

import com.fasterxml.jackson.databind.JsonNode;

/** How a recipient is written in the journal: {@code external_id:ID} or {@code alias:LABEL:NAME}. */
public final class Recipients {
    private Recipients() {
    }

    /** The journal key for a normalised recipient object ({@code {external_user_id}} or {@code {user_alias}}). */
    public static String key(JsonNode recipient) {
        if (recipient.hasNonNull("external_user_id")) {
            return "external_id:" + recipient.get("external_user_id").asText();
        }
        JsonNode alias = recipient.path("user_alias");
        return "alias:" + alias.path("alias_label").asText() + ":" + alias.path("alias_name").asText();
    }
}
