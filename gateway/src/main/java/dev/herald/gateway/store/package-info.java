/**
 * The journal's seam: {@link dev.herald.gateway.store.Store} (where work runs and how it is made durable),
 * {@link dev.herald.gateway.store.StoreTx} (one unit of work's tables), {@link dev.herald.gateway.store.Claims}
 * (how an engine claims due deliveries and takes outcomes, conditional on a
 * {@link dev.herald.gateway.store.ClaimToken}) and {@link dev.herald.gateway.store.Dialect} (the SQL that differs).
 * The table classes are shared JDBC code over {@link dev.herald.gateway.store.Sql}; engines live in sub-packages
 * ({@code sqlite}).
 */
@NullMarked
package dev.herald.gateway.store;

import org.jspecify.annotations.NullMarked;
