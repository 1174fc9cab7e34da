package dev.herald.gateway.binding;

import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * What an outcome changes beyond its delivery, written in the same transaction as the delivery's new state:
 * a dead address is marked in the directory so later sends skip it with a clear reason; an opt-out is recorded.
 */
public sealed interface DirectoryEffect {
    /** Applies the effect inside the outcome's transaction. */
    void apply(StoreTx tx, Instant now) throws SQLException;

    /** The mailbox does not exist: every profile with the address is marked. */
    record EmailBounced(String workspace, String email, String reason) implements DirectoryEffect {
        @Override
        public void apply(StoreTx tx, Instant now) throws SQLException {
            tx.users().invalidateEmail(workspace, email, reason, now);
        }
    }

    /** The number cannot receive SMS: every profile with the number is marked. */
    record PhoneInvalid(String workspace, String phone, String reason) implements DirectoryEffect {
        @Override
        public void apply(StoreTx tx, Instant now) throws SQLException {
            tx.users().invalidatePhone(workspace, phone, reason, now);
        }
    }

    /** The push token is no longer valid, unless registered again after {@code since}. */
    record TokenInvalid(String workspace, String appId, String token, Optional<Instant> since, String reason)
            implements DirectoryEffect {
        @Override
        public void apply(StoreTx tx, Instant now) throws SQLException {
            tx.users().invalidatePushToken(workspace, appId, token, since, reason);
        }
    }

    /** The recipient opted out of an SMS subscription group (replied STOP). */
    record Unsubscribed(long userId, String group) implements DirectoryEffect {
        @Override
        public void apply(StoreTx tx, Instant now) throws SQLException {
            tx.users().putSubscription(userId, group, "unsubscribed", now);
        }
    }
}
