package dev.herald.gateway.store;

/**
 * The journal as one unit of work sees it: a table object per table and the engine's claims, all on the same
 * transaction. Handed to {@link Store.Work}; never kept beyond it, never shared between threads.
 */
public interface StoreTx {
    /** The dispatch table. */
    Dispatches dispatches();

    /** The delivery table. */
    Deliveries deliveries();

    /** The deliveries that ended failed, expired or bounced, and their replay. */
    DeadLetters deadLetters();

    /** The user directory. */
    Users users();

    /** The email address lists (subscription by address, unsubscribes, hard bounces, blocklist). */
    EmailAddresses emailAddresses();

    /** The invalid phone number list. */
    InvalidPhones invalidPhones();

    /** The event outbox. */
    Events events();

    /** The Currents-style stream's outbox and connector state. */
    StreamEvents streamEvents();

    /** Idempotency keys, external send ids and send ids. */
    Keys keys();

    /** Provider reports waiting for the outcome of their send. */
    HeldReceipts heldReceipts();

    /** Usage counts per workspace, channel and hour. */
    Usage usage();

    /** Email templates created over the template API. */
    EmailTemplates emailTemplates();

    /** Content Blocks created over the API. */
    ContentBlocks contentBlocks();

    /** Claims on due deliveries and their outcomes (writes only). */
    Claims claims();
}
