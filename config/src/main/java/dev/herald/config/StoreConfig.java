package dev.herald.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where accepted requests, deliveries and the user directory are kept.
 *
 * @param kind          the engine
 * @param path          the SQLite database file (its directory is created if missing)
 * @param queueCapacity requests waiting for the writer before ingress answers 503
 * @param retention     how long finished deliveries and dispatches are kept before purge
 */
public record StoreConfig(Kind kind, Path path, int queueCapacity, Duration retention) {
    /** Storage engines. */
    public enum Kind {
        /** Embedded, single process: one file, group-committed writes. */
        SQLITE
    }

    public StoreConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(retention, "retention");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be positive, was " + queueCapacity);
        }
    }

    /** SQLite at {@code ./data/herald.db}. */
    public static StoreConfig defaults() {
        return new StoreConfig(Kind.SQLITE, Path.of("data", "herald.db"), 10_000, Duration.ofDays(7));
    }
}
