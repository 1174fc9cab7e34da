package dev.herald.gateway.delivery;

import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Provider status reports that can arrive before the outcome of their send is recorded: Twilio may call back
 * while Herald is still writing the SID it got from the create call. Such reports are held, and applied in the
 * transaction that records the outcome naming their message id.
 */
@FunctionalInterface
public interface EarlyReceipts {
    /** Nothing is ever held. */
    EarlyReceipts NONE = (tx, workspace, providerMessageId, now) -> { };

    /** Applies the reports held for {@code providerMessageId}, inside the transaction that just recorded it. */
    void release(StoreTx tx, String workspace, String providerMessageId, Instant now) throws SQLException;
}
