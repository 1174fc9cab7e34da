package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.http.Lenient;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which user an {@code identifier_to_merge} or {@code identifier_to_keep} of {@code /users/merge} names: an
 * {@code external_id}, a {@code user_alias}, or an {@code email} / {@code phone} with the {@code prioritization}
 * Braze requires for them.
 */
sealed interface MergeIdentifier {
    /** Braze's message for an identifier of none of the four kinds. */
    String INVALID = "identifiers must be objects with an 'external_id' property that is a string, 'user_alias' "
            + "property that is an object, 'email' property that is a string, or 'phone' property that is a string";
    /** Braze documents that a prioritization is required for email and phone, but not its error message. */
    String BAD_PRIORITIZATION = "'prioritization' must be an array of 'identified' or 'unidentified' (not both), "
            + "'most_recently_updated' or 'least_recently_updated' when an email or phone identifies a user";

    record ExternalId(String id) implements MergeIdentifier {
    }

    record Alias(String label, String name) implements MergeIdentifier {
    }

    /** An email address or phone number ({@code column}) narrowed by a prioritization. */
    record Address(String column, String value, Prioritization prioritization) implements MergeIdentifier {
    }

    /**
     * Braze's {@code prioritization}: which of several users with one address is meant.
     *
     * @param identified      present: only users with (true) or without (false) an external id
     * @param newestFirst     present: the most (true) or least (false) recently updated one of those left
     */
    record Prioritization(Optional<Boolean> identified, Optional<Boolean> newestFirst) {
        static Prioritization of(JsonNode p) {
            if (p == null || !p.isArray() || p.isEmpty()) {
                throw ApiException.badRequest(BAD_PRIORITIZATION);
            }
            Optional<Boolean> identified = Optional.empty();
            Optional<Boolean> newestFirst = Optional.empty();
            for (JsonNode v : p) {
                String s = v.isTextual() ? v.asText() : "";
                switch (s) {
                    case "identified", "unidentified" -> {
                        if (identified.isPresent()) {
                            throw ApiException.badRequest(BAD_PRIORITIZATION);
                        }
                        identified = Optional.of(s.equals("identified"));
                    }
                    case "most_recently_updated", "least_recently_updated" -> {
                        if (newestFirst.isEmpty()) {
                            newestFirst = Optional.of(s.equals("most_recently_updated"));
                        }
                    }
                    default -> throw ApiException.badRequest(BAD_PRIORITIZATION);
                }
            }
            return new Prioritization(identified, newestFirst);
        }
    }

    /** The identifier an object names; a 400 with Braze's message when it names none. */
    static MergeIdentifier of(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw ApiException.badRequest(INVALID);
        }
        if (o.has("external_id")) {
            return new ExternalId(text(o.get("external_id")));
        }
        if (o.has("user_alias")) {
            JsonNode a = o.get("user_alias");
            if (!a.isObject()) {
                throw ApiException.badRequest(INVALID);
            }
            return new Alias(text(a.path("alias_label")), text(a.path("alias_name")));
        }
        if (o.has("email")) {
            return new Address("email", text(o.get("email")).trim().toLowerCase(Locale.ROOT),
                    Prioritization.of(o.get("prioritization")));
        }
        if (o.has("phone")) {
            return new Address("phone", text(o.get("phone")).trim(), Prioritization.of(o.get("prioritization")));
        }
        throw ApiException.badRequest(INVALID);
    }

    private static String text(JsonNode v) {
        if (!v.isTextual() || Lenient.identifierProblem(v.asText()).isPresent()) {
            throw ApiException.badRequest(INVALID);
        }
        return v.asText();
    }

    /**
     * The one user this identifier names; empty when there is none, or when an address leaves more than one after
     * its prioritization (Braze: "if more than one user matches from a prioritization, then merging will not occur").
     */
    default Optional<UserRow> find(StoreTx tx, String workspace) throws SQLException {
        return switch (this) {
            case ExternalId e -> tx.users().byExternalId(workspace, e.id());
            case Alias a -> tx.users().byAlias(workspace, a.label(), a.name());
            case Address a -> {
                List<UserRow> candidates = new ArrayList<>(tx.users().allBy(workspace, a.column(), a.value()));
                a.prioritization().identified().ifPresent(want ->
                        candidates.removeIf(u -> u.externalId().isPresent() != want));
                if (a.prioritization().newestFirst().isPresent()) {
                    Comparator<UserRow> byUpdate = Comparator.comparing(UserRow::updatedAt);
                    candidates.sort(a.prioritization().newestFirst().get() ? byUpdate.reversed() : byUpdate);
                    yield candidates.stream().findFirst();
                }
                yield candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
            }
        };
    }
}
