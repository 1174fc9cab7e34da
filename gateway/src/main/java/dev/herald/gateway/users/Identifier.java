package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Which profile an object of a {@code /users/*} request is about (braze-api.md §6.1): {@code external_id},
 * {@code user_alias}, {@code braze_id}, {@code email} or {@code phone}, in that order of precedence (when both
 * email and phone are given, email identifies).
 */
sealed interface Identifier {
    record ExternalId(String id) implements Identifier {
    }

    record Alias(String label, String name) implements Identifier {
    }

    record BrazeId(String id) implements Identifier {
    }

    record Email(String email) implements Identifier {
    }

    record Phone(String phone) implements Identifier {
    }

    /** The identifier of an object, or an item error when it has none or a malformed one. */
    static Identifier of(JsonNode o) throws ItemError {
        if (o.hasNonNull("external_id")) {
            return new ExternalId(checked(text(o, "external_id"), "external_id"));
        }
        if (o.hasNonNull("user_alias")) {
            JsonNode a = o.get("user_alias");
            if (!a.isObject() || !a.path("alias_name").isTextual() || !a.path("alias_label").isTextual()
                    || a.path("alias_name").asText().isBlank() || a.path("alias_label").asText().isBlank()) {
                throw new ItemError("'user_alias' must be an object with alias_name and alias_label strings");
            }
            return new Alias(checked(a.get("alias_label").asText(), "user_alias.alias_label"),
                    checked(a.get("alias_name").asText(), "user_alias.alias_name"));
        }
        if (o.hasNonNull("braze_id")) {
            return new BrazeId(checked(text(o, "braze_id"), "braze_id"));
        }
        if (o.hasNonNull("email")) {
            return new Email(text(o, "email").trim().toLowerCase(java.util.Locale.ROOT));
        }
        if (o.hasNonNull("phone")) {
            return new Phone(text(o, "phone").trim());
        }
        throw new ItemError("'external_id' or 'braze_id' or 'user_alias' or 'email' or 'phone' is required");
    }

    private static String checked(String id, String field) throws ItemError {
        var problem = Lenient.identifierProblem(id);
        if (problem.isPresent()) {
            throw new ItemError("'" + field + "' " + problem.get());
        }
        return id;
    }

    private static String text(JsonNode o, String field) throws ItemError {
        JsonNode v = o.get(field);
        if (!(v.isTextual() || v.isNumber()) || v.asText().isBlank()) {
            throw new ItemError("'" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    /** Alias-only profiles are created only on request (Braze's default for aliases is update-existing-only). */
    default boolean createsByDefault() {
        return !(this instanceof Alias) && !(this instanceof BrazeId);
    }

    /** Finds the profile. */
    default Optional<UserRow> find(StoreTx tx, String workspace) throws SQLException {
        return switch (this) {
            case ExternalId e -> tx.users().byExternalId(workspace, e.id());
            case Alias a -> tx.users().byAlias(workspace, a.label(), a.name());
            case BrazeId b -> tx.users().byBrazeId(workspace, b.id());
            case Email m -> tx.users().byEmail(workspace, m.email());
            case Phone p -> tx.users().byPhone(workspace, p.phone());
        };
    }

    /** Finds the profile, creating it when allowed; empty when it does not exist and may not be created. */
    default Optional<UserRow> findOrCreate(StoreTx tx, String workspace, boolean updateExistingOnly,
                                           java.time.Instant now) throws SQLException {
        Optional<UserRow> found = find(tx, workspace);
        if (found.isPresent() || updateExistingOnly || this instanceof BrazeId) {
            return found;
        }
        UserRow created = tx.users().create(workspace,
                this instanceof ExternalId e ? Optional.of(e.id()) : Optional.empty(), now);
        switch (this) {
            case Alias a -> tx.users().putAlias(workspace, a.label(), a.name(), created.id());
            case Email m -> {
                UserRow withEmail = new UserRow(created.id(), created.workspace(), created.brazeId(),
                        created.externalId(), Optional.of(m.email()), Optional.empty(), created.phone(),
                        Optional.empty(), created.emailSubscribe(), created.pushSubscribe(), created.timeZone(),
                        created.profile(), created.custom(), created.createdAt(), now);
                tx.users().update(withEmail, now);
                return Optional.of(withEmail);
            }
            case Phone p -> {
                UserRow withPhone = new UserRow(created.id(), created.workspace(), created.brazeId(),
                        created.externalId(), created.email(), Optional.empty(), Optional.of(p.phone()),
                        Optional.empty(), created.emailSubscribe(), created.pushSubscribe(), created.timeZone(),
                        created.profile(), created.custom(), created.createdAt(), now);
                tx.users().update(withPhone, now);
                return Optional.of(withPhone);
            }
            case ExternalId e -> {
                // created with its external id
            }
            case BrazeId b -> {
                // never created
            }
        }
        return Optional.of(created);
    }
}
