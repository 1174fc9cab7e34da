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

    /**
     * The mailbox does not exist (a permanent 5.1.x): every profile with the address is marked, and the address goes
     * on the workspace's hard-bounce list ({@code GET /email/hard_bounces}) until {@code /email/bounce/remove}.
     */
    record EmailBounced(String workspace, String email, String reason) implements DirectoryEffect {
        @Override
        public void apply(StoreTx tx, Instant now) throws SQLException {
            tx.users().invalidateEmail(workspace, email, reason, now);
            tx.emailAddresses().markHardBounced(workspace, email.toLowerCase(java.util.Locale.ROOT), reason, now);
        }
    }

    /**
     * The number cannot receive SMS: every profile with the number is marked, and the number goes on the workspace's
     * invalid list ({@code GET /sms/invalid_phone_numbers}) as a {@code provider_error}, Braze's reason for a number
     * the provider refuses (its other reason, {@code deactivated}, comes from carrier deactivation files Herald does
     * not receive).
     */
    record PhoneInvalid(String workspace, String phone, String reason) implements DirectoryEffect {
        @Override
        public void apply(StoreTx tx, Instant now) throws SQLException {
            tx.users().invalidatePhone(workspace, phone, reason, now);
            tx.invalidPhones().mark(workspace, phone, "provider_error", reason, now);
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
