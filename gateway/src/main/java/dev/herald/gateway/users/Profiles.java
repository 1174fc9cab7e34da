package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Profile writes for the messaging endpoints: {@code attributes} given with a recipient are written to the
 * profile before the send, with the rules of {@code /users/track}.
 */
public final class Profiles {
    private Profiles() {
    }

    /** The outcome of writing a recipient's attributes. */
    public sealed interface Written {
        /** Written (or nothing to write); the profile, if it exists. */
        record Ok(Optional<UserRow> user) implements Written {
        }

        /** The attributes were invalid: nothing was written. */
        record Invalid(String reason) implements Written {
        }
    }

    /**
     * Writes {@code attributes} (may be absent) to the recipient's profile, creating it when allowed.
     *
     * @param recipient    who: by external id, alias, Herald id or email address
     * @param createIfNew  whether a missing profile is created (an alias-only profile never is)
     */
    public static Written write(StoreTx tx, WorkspaceConfig ws, Recipient recipient, Optional<JsonNode> attributes,
                                boolean createIfNew, Instant now) throws SQLException {
        Identifier id = switch (recipient) {
            case Recipient.ExternalId e -> new Identifier.ExternalId(e.id());
            case Recipient.Alias a -> new Identifier.Alias(a.label(), a.name());
            case Recipient.BrazeId b -> new Identifier.BrazeId(b.id());
            case Recipient.Email e -> new Identifier.Email(e.address());
        };
        try {
            boolean create = createIfNew && attributes.isPresent() && id.createsByDefault();
            Optional<UserRow> user = id.findOrCreate(tx, ws.id(), !create, now);
            if (user.isEmpty() || attributes.isEmpty()) {
                return new Written.Ok(user);
            }
            if (!attributes.get().isObject()) {
                return new Written.Invalid("attributes must be an object");
            }
            ObjectNode attrs = ((ObjectNode) attributes.get().deepCopy());
            attrs.remove(java.util.List.of("external_id", "user_alias", "braze_id"));
            if (recipient instanceof Recipient.Email e && !attrs.has("email")) {
                attrs.put("email", e.address()); // an email-identified profile keeps its address
            }
            var edit = new ProfileEdit(user.get());
            AttributeRules.apply(tx, ws, edit, attrs, now);
            UserRow updated = edit.toRow(now);
            tx.users().update(updated, now);
            return new Written.Ok(Optional.of(updated));
        } catch (ItemError e) {
            return new Written.Invalid(e.getMessage());
        }
    }
}
