/**
 * The shared engine: PostgreSQL, for several Herald nodes on one journal. Writers group-commit on their own pooled
 * connections (HikariCP), claims are taken with {@code FOR UPDATE SKIP LOCKED} and leased to this node
 * ({@code lease_owner}, with the lease's end as the row's {@code next_attempt_at}, renewed while a send runs),
 * tasks that must run once take an advisory lock, and a commit that makes work due is announced to the other
 * nodes with {@code NOTIFY}.
 */
@NullMarked
package dev.herald.gateway.store.postgres;

import org.jspecify.annotations.NullMarked;
