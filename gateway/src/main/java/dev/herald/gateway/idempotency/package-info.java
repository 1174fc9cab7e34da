/**
 * {@code Idempotency-Key}: a call runs once per key; its response is stored in the transaction that makes its work
 * durable and replayed afterwards.
 */
@NullMarked
package dev.herald.gateway.idempotency;

import org.jspecify.annotations.NullMarked;
