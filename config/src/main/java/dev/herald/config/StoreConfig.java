package dev.herald.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where accepted requests, deliveries and the user directory are kept.
 *
 * @param kind          the engine
 * @param path          the SQLite database file (its directory is created if missing); unused by PostgreSQL
 * @param queueCapacity requests waiting for the writer before ingress answers 503
 * @param retention     how long finished deliveries and dispatches are kept before purge
 * @param postgres      the PostgreSQL server, when {@code kind} is {@link Kind#POSTGRES}
 */
public record StoreConfig(Kind kind, Path path, int queueCapacity, Duration retention,
                          Optional<PostgresConfig> postgres) {
    /** Storage engines. */
    public enum Kind {
        /** Embedded, single process: one file, group-committed writes. */
        SQLITE,
        /** Shared by every node: PostgreSQL, claims leased with {@code FOR UPDATE SKIP LOCKED}. */
        POSTGRES
    }

    /**
     * A PostgreSQL journal shared by several nodes.
     *
     * @param url      the JDBC URL, {@code jdbc:postgresql://HOST:PORT/DATABASE}
     * @param user     the role Herald logs in as
     * @param password its password (never printed)
     * @param pool     connections this node opens at most (writers, readers and claims share them)
     * @param lease    how long a claim lives without a heartbeat: a dead node's work is taken over after this
     */
    public record PostgresConfig(String url, Optional<String> user, Optional<Secret> password, int pool,
                                 Duration lease) {
        public PostgresConfig {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(lease, "lease");
            if (pool < 2) {
                throw new IllegalArgumentException("pool must be at least 2, was " + pool);
            }
            if (lease.toMillis() < 1_000) {
                throw new IllegalArgumentException("lease must be at least 1s, was " + lease);
            }
        }

        /**
         * The URL without its query, which may carry a password: what messages and logs show.
         */
        public String displayUrl() {
            int q = url.indexOf('?');
            return q < 0 ? url : url.substring(0, q);
        }
    }

    public StoreConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(postgres, "postgres");
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be positive, was " + queueCapacity);
        }
        if (kind == Kind.POSTGRES && postgres.isEmpty()) {
            throw new IllegalArgumentException("a postgres store needs its server (url, user, password)");
        }
    }

    /** An SQLite store at {@code path}. */
    public StoreConfig(Kind kind, Path path, int queueCapacity, Duration retention) {
        this(kind, path, queueCapacity, retention, Optional.empty());
    }

    /** A PostgreSQL store: {@code server} with the default queue and retention. */
    public static StoreConfig postgres(PostgresConfig server) {
        var d = defaults();
        return new StoreConfig(Kind.POSTGRES, d.path(), d.queueCapacity(), d.retention(), Optional.of(server));
    }

    /** SQLite at {@code ./data/herald.db}. */
    public static StoreConfig defaults() {
        return new StoreConfig(Kind.SQLITE, Path.of("data", "herald.db"), 10_000, Duration.ofDays(7));
    }
}
