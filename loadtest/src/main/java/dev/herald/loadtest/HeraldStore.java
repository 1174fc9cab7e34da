package dev.herald.loadtest;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * Where a benchmarked Herald keeps its journal: the {@code store:} line of its configuration, the environment its
 * process needs for it, and how the bench itself reads that store (e.g. to wait for a backlog to drain).
 *
 * @param name       what the output calls it ({@code sqlite}, {@code postgres})
 * @param configLine the {@code store:} line of {@code herald.yaml}
 * @param jdbcUrl    the same store for the bench's own queries
 * @param user       the role to log in as, empty for SQLite
 * @param password   its password, empty for SQLite; handed to Herald through {@link #PASSWORD_VARIABLE}
 */
record HeraldStore(String name, String configLine, String jdbcUrl, String user, String password) {
    /** The engines {@code --store} chooses from. */
    enum Kind {
        SQLITE, POSTGRES
    }

    /** The environment variable the configuration refers to for the password, as an operator would keep it. */
    static final String PASSWORD_VARIABLE = "HERALD_PG_PASSWORD";
    /** Connections each Herald node opens at most: the documented default. */
    static final int POOL = 16;

    /** An SQLite file of its own (the line is exactly what the accept benchmark has always written). */
    static HeraldStore sqlite(Path file) {
        return new HeraldStore("sqlite", "store: { kind: sqlite, path: %s }".formatted(file), "jdbc:sqlite:" + file,
                "", "");
    }

    /** A PostgreSQL database; every node given this store shares all state through it. */
    static HeraldStore postgres(String url, String user, String password) {
        return new HeraldStore("postgres", "store: { kind: postgres, url: \"%s\", user: %s, password: \"${env:%s}\", "
                .formatted(url, user, PASSWORD_VARIABLE) + "pool: " + POOL + ", lease: 30s }", url, user, password);
    }

    /** Variables to add to a Herald child's environment. */
    Map<String, String> environment() {
        return password.isEmpty() ? Map.of() : Map.of(PASSWORD_VARIABLE, password);
    }

    /** A connection of the bench's own to the store. */
    Connection connect() throws SQLException {
        return user.isEmpty() ? DriverManager.getConnection(jdbcUrl) : DriverManager.getConnection(jdbcUrl, user,
                password);
    }

    @Override
    public String toString() {
        return name + " " + jdbcUrl; // never the password
    }
}
