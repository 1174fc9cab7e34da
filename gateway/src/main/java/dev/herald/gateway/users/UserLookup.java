package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds the one profile an email address or phone number means, with Braze's {@code prioritization}
 * ({@code identified} / {@code unidentified}, then {@code most_recently_updated} /
 * {@code least_recently_updated}).
 */
final class UserLookup {
    private UserLookup() {
    }

    static Optional<UserRow> byEmailOrPhone(StoreTx tx, String workspace, String column, String value,
                                            JsonNode prioritization, String defaultIdentity) throws SQLException {
        List<String> prio = new ArrayList<>();
        if (prioritization != null && prioritization.isArray()) {
            prioritization.forEach(p -> prio.add(p.asText()));
        }
        List<UserRow> candidates = all(tx, workspace, column, value);
        boolean wantIdentified = prio.contains("identified") || (!prio.contains("unidentified")
                && defaultIdentity.equals("identified"));
        boolean filter = prio.contains("identified") || prio.contains("unidentified") || !defaultIdentity.isEmpty();
        if (filter) {
            candidates.removeIf(u -> u.externalId().isPresent() != wantIdentified);
        }
        Comparator<UserRow> byUpdate = Comparator.comparing(UserRow::updatedAt);
        candidates.sort(prio.contains("least_recently_updated") ? byUpdate : byUpdate.reversed());
        return candidates.stream().findFirst();
    }

    private static List<UserRow> all(StoreTx tx, String workspace, String column, String value) throws SQLException {
        return new ArrayList<>(tx.users().allBy(workspace, column, value));
    }
}
