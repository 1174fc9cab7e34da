package dev.herald.gateway.model;

import java.util.Optional;

/** What was called to create a dispatch; kept with it, shown by the scheduled-broadcasts list. */
public enum DispatchKind {
    /** {@code POST /messages/send}. */
    MESSAGES_SEND("messages.send"),
    /** {@code POST /messages/schedule/create}. */
    MESSAGES_SCHEDULE("messages.schedule"),
    /** {@code POST /campaigns/trigger/send}. */
    CAMPAIGN_TRIGGER_SEND("campaigns.trigger.send"),
    /** {@code POST /campaigns/trigger/schedule/create}. */
    CAMPAIGN_TRIGGER_SCHEDULE("campaigns.trigger.schedule"),
    /** {@code POST /canvas/trigger/send}. */
    CANVAS_TRIGGER_SEND("canvas.trigger.send"),
    /** {@code POST /canvas/trigger/schedule/create}. */
    CANVAS_TRIGGER_SCHEDULE("canvas.trigger.schedule"),
    /** {@code POST /transactional/v1/campaigns/{id}/send}: postbacks are published for it. */
    TRANSACTIONAL_SEND("transactional.send");

    private final String dbName;

    DispatchKind(String dbName) {
        this.dbName = dbName;
    }

    /** The name stored in the journal. */
    public String dbName() {
        return dbName;
    }

    /** Whether a Canvas was triggered. */
    public boolean isCanvas() {
        return this == CANVAS_TRIGGER_SEND || this == CANVAS_TRIGGER_SCHEDULE;
    }

    /** The kind for a stored name, if known. */
    public static Optional<DispatchKind> fromDb(String name) {
        for (DispatchKind k : values()) {
            if (k.dbName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
