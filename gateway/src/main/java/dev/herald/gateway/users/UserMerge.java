package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * One {@code /users/merge} update, as Braze's merge page describes it: every field of the merged user that the kept
 * user does not have moves over (the kept user's value wins where both have one), the first session is the earlier
 * and the last session the later of the two, events, purchases, push tokens and the subscription-group states the
 * kept user has none for move over, and the merged user is deleted. Its pending deliveries follow the kept user.
 * Aliases are not in Braze's list and are deleted with the merged user.
 */
final class UserMerge {
    private UserMerge() {
    }

    /** Merges {@code merged} into {@code kept}, then deletes {@code merged}. */
    static void into(StoreTx tx, UserRow merged, UserRow kept, Instant now) throws SQLException {
        var target = new ProfileEdit(kept);
        var source = new ProfileEdit(merged);
        fillAbsent(target.profile, source.profile);
        pick(target.profile, source.profile, "date_of_first_session", (a, b) -> a.isBefore(b) ? a : b);
        pick(target.profile, source.profile, "date_of_last_session", (a, b) -> a.isAfter(b) ? a : b);
        fillAbsent(target.custom, source.custom);
        // An address comes with its bounce or refusal mark: a dead address must not look deliverable after a merge.
        if (target.email.isEmpty() && source.email.isPresent()) {
            target.email = source.email;
            target.emailInvalid = source.emailInvalid;
        }
        if (target.phone.isEmpty() && source.phone.isPresent()) {
            target.phone = source.phone;
            target.phoneInvalid = source.phoneInvalid;
        }
        target.emailSubscribe = target.emailSubscribe.or(() -> source.emailSubscribe);
        target.pushSubscribe = target.pushSubscribe.or(() -> source.pushSubscribe);
        target.timeZone = target.timeZone.or(() -> source.timeZone);
        tx.users().moveActivity(merged.id(), kept.id());
        tx.deliveries().followUser(merged.id(), kept.id());
        tx.users().delete(merged.id());
        tx.users().update(target.toRow(now), now);
    }

    private static void fillAbsent(ObjectNode target, ObjectNode source) {
        for (Map.Entry<String, JsonNode> e : source.properties()) {
            if (!target.has(e.getKey()) || target.get(e.getKey()).isNull()) {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    /** Keeps whichever of the two times {@code choose} picks, when both profiles have a readable one. */
    private static void pick(ObjectNode target, ObjectNode source, String key, BinaryOperator<Instant> choose) {
        Optional<Instant> mine = time(target.get(key));
        Optional<Instant> theirs = time(source.get(key));
        if (mine.isPresent() && theirs.isPresent() && choose.apply(mine.get(), theirs.get()).equals(theirs.get())) {
            target.set(key, source.get(key));
        }
    }

    private static Optional<Instant> time(JsonNode v) {
        return v != null && v.isTextual() ? BrazeTime.parse(v.asText()) : Optional.empty();
    }
}
