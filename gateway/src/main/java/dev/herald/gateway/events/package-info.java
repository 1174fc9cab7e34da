/**
 * Events out: transactional postbacks in Braze's shape, written to the outbox in the same transaction as the
 * delivery state change they report, then published by {@link dev.herald.gateway.events.EventPublisher},
 * signed per Standard Webhooks and retried with backoff.
 */
@NullMarked
package dev.herald.gateway.events;

import org.jspecify.annotations.NullMarked;
