/**
 * The embedded engine: SQLite in WAL mode with {@code synchronous=FULL}, one writer thread that group-commits
 * (a SAVEPOINT per write, one fsync per batch), readers on their own connections, claims held in memory, a lock
 * file that keeps a second process off the journal.
 */
@NullMarked
package dev.herald.gateway.store.sqlite;

import org.jspecify.annotations.NullMarked;
