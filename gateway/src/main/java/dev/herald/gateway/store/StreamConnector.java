package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The durable state of a workspace's stream connector: when it may next send a batch (its backoff survives a
 * restart), how many batches in a row failed, and why the last one did.
 */
public record StreamConnector(String workspace, Instant nextAttemptAt, int failures, Optional<String> lastError) {
}
