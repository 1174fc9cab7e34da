package dev.herald.gateway.delivery;

import dev.herald.gateway.store.StoreTx;
import java.sql.SQLException;
import java.util.List;

/**
 * Something that must happen together with a delivery's change of state (an outbox event, a provider receipt
 * held for it, a metric). {@link #changed} runs inside the transaction that writes the change, so what it writes
 * is kept exactly when the change is; {@link #committed} runs once the change is durable (an attempt's outcome:
 * wake a publisher, count).
 */
public interface OutcomeListener {
    /** Hears nothing. */
    OutcomeListener NONE = (tx, change) -> { };

    /** Inside the transaction that writes {@code change}; an exception rolls the whole change back. */
    void changed(StoreTx tx, StateChange change) throws SQLException;

    /** After an attempt's outcome is durable. Must be quick and must not throw. */
    default void committed(StateChange change) {
    }

    /**
     * Called on the thread that has the attempt's answer, before its transaction: the listener may do here the work
     * that needs no journal (building an event's payload) and return a listener bound to {@code change} that only
     * writes it, so the single writer does less per outcome. The default does nothing ahead.
     */
    default OutcomeListener prepared(StateChange change) {
        return this;
    }

    /** Every listener of {@code listeners}, in order. */
    static OutcomeListener all(List<OutcomeListener> listeners) {
        List<OutcomeListener> copy = List.copyOf(listeners);
        return new OutcomeListener() {
            @Override
            public void changed(StoreTx tx, StateChange change) throws SQLException {
                for (OutcomeListener l : copy) {
                    l.changed(tx, change);
                }
            }

            @Override
            public void committed(StateChange change) {
                for (OutcomeListener l : copy) {
                    l.committed(change);
                }
            }

            @Override
            public OutcomeListener prepared(StateChange change) {
                return all(copy.stream().map(l -> l.prepared(change)).toList());
            }
        };
    }
}
