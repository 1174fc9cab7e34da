package dev.herald.gateway.model;

import java.util.Locale;

/** The life of a dispatch: accepted until its deliveries exist; a schedule deleted before it started is cancelled. */
public enum DispatchStatus {
    /** Accepted, not yet (fully) turned into deliveries. */
    ACCEPTED,
    /** Every delivery has been created. */
    EXPANDED,
    /** A schedule deleted before it was sent. */
    CANCELLED;

    /** The name stored in the journal. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status for a stored name. */
    public static DispatchStatus fromDb(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
