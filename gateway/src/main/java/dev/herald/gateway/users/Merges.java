package dev.herald.gateway.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.gateway.store.StoreTx;
import dev.herald.gateway.store.UserRow;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Folds one profile into another ({@code /users/identify}): the target keeps what it has and gains the rest. */
final class Merges {
    private Merges() {
    }

    /** Moves everything of {@code from} into {@code into}, then deletes {@code from}. */
    static void merge(StoreTx tx, UserRow from, UserRow into, Instant now) throws SQLException {
        var target = new ProfileEdit(into);
        var source = new ProfileEdit(from);
        fill(target.profile, source.profile);
        fill(target.custom, source.custom);
        target.email = target.email.or(() -> source.email);
        target.phone = target.phone.or(() -> source.phone);
        target.emailSubscribe = target.emailSubscribe.or(() -> source.emailSubscribe);
        target.pushSubscribe = target.pushSubscribe.or(() -> source.pushSubscribe);
        target.timeZone = target.timeZone.or(() -> source.timeZone);
        tx.users().moveAll(from.id(), into.id());
        tx.users().delete(from.id());
        tx.users().update(target.toRow(now), now);
    }

    /** Gives an anonymous profile an external id (identify with no existing identified profile). */
    static void identify(StoreTx tx, UserRow user, String externalId, Instant now) throws SQLException {
        tx.users().update(new UserRow(user.id(), user.workspace(), user.brazeId(), Optional.of(externalId), user.email(),
                user.emailInvalid(), user.phone(), user.phoneInvalid(), user.emailSubscribe(), user.pushSubscribe(),
                user.timeZone(), user.profile(), user.custom(), user.createdAt(), now), now);
    }

    private static void fill(ObjectNode target, ObjectNode source) {
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : source.properties()) {
            if (!target.has(e.getKey())) {
                target.set(e.getKey(), e.getValue());
            }
        }
    }
}
