package dev.herald.gateway.delivery;

import dev.herald.gateway.store.ClaimedDelivery;

/**
 * A claimed delivery and its leave to use its egress key.
 *
 * @param delivery the claimed delivery
 * @param permit   ended when the attempt ends
 */
record Claim(ClaimedDelivery delivery, EgressPermit permit) {
}
