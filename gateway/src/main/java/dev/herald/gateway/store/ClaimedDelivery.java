package dev.herald.gateway.store;

/**
 * A delivery the scheduler now owns (it is {@code sending} while the claim lasts), with what is needed to build its message.
 *
 * @param delivery     the row, with {@code attempts} already counting this attempt
 * @param dispatchKind the dispatch's kind
 * @param request      the dispatch's request JSON
 */
public record ClaimedDelivery(DeliveryRow delivery, String dispatchKind, String request) {
}
