package dev.herald.gateway.store;

import dev.herald.gateway.model.DispatchKind;
import dev.herald.gateway.model.StoredSpec;

/**
 * A delivery the scheduler now owns (it is {@code sending} while the claim lasts), with its dispatch's spec.
 *
 * @param delivery the row, with {@code attempts} already counting this attempt
 * @param kind     the dispatch's kind
 * @param spec     the dispatch's spec as stored (read once per dispatch by the engine)
 * @param token    what the attempt's outcome must carry to be written
 */
public record ClaimedDelivery(DeliveryRow delivery, DispatchKind kind, StoredSpec spec, ClaimToken token) {
}
