/**
 * The journal: dispatches, deliveries and (later) the directory, events and idempotency keys, as one SQL
 * model. {@link dev.herald.gateway.store.Store} is the SPI; {@link dev.herald.gateway.store.SqliteStore} is
 * the embedded engine: one writer thread that group-commits, a SAVEPOINT per request, one fsync per batch.
 * JDBC runs only on threads the store owns.
 */
@NullMarked
package dev.herald.gateway.store;

import org.jspecify.annotations.NullMarked;
