package dev.herald.gateway.model;

import java.util.Locale;

/** Delivery lanes, served by weight so a password reset never waits behind a bulk backlog. */
public enum Lane {
    /** The transactional endpoint: password resets, receipts. */
    TRANSACTIONAL(6),
    /** Ordinary API sends. */
    STANDARD(3),
    /** {@code X-Braze-Bulk} requests and broadcasts. */
    BULK(1);

    private final int weight;

    Lane(int weight) {
        this.weight = weight;
    }

    /** Share of the scheduler's capacity relative to the other lanes. */
    public int weight() {
        return weight;
    }

    /** The name stored in the journal. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The lane for a stored name. */
    public static Lane fromDb(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
