package dev.herald.gateway.store;

import java.time.Instant;

/**
 * One event name of a user's kept events or purchases, summarised as Braze's user export shows it.
 *
 * @param name  the event name, or the purchase's product id
 * @param first when the earliest kept one happened
 * @param last  when the latest kept one happened
 * @param count how many are kept
 */
public record EventSummary(String name, Instant first, Instant last, long count) {
}
