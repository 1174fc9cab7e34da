/**
 * From stored dispatch to provider and back: the {@link dev.herald.gateway.delivery.Expander} turns a
 * dispatch into deliveries, the {@link dev.herald.gateway.delivery.DeliveryEngine} claims due deliveries by
 * lane, builds each message, hands it to its channel's sender and records the outcome; the
 * {@link dev.herald.gateway.delivery.RetryPolicy} decides when a retry is due. All time comes from an
 * injected clock.
 */
@NullMarked
package dev.herald.gateway.delivery;

import org.jspecify.annotations.NullMarked;
