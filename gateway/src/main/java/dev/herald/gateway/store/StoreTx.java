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

    /** The user directory. */
    Users users();

    /** The event outbox. */
    Events events();

    /** Idempotency keys, external send ids and send ids. */
    Keys keys();

    /** Provider reports waiting for the outcome of their send. */
    HeldReceipts heldReceipts();

    /** Email templates created over the template API. */
    EmailTemplates emailTemplates();

    /** Content Blocks created over the API. */
    ContentBlocks contentBlocks();

    /** Claims on due deliveries and their outcomes (writes only). */
    Claims claims();
}
