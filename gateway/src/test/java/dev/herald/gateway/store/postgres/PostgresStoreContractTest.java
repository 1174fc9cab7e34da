package dev.herald.gateway.store.postgres;

import dev.herald.config.Secret;
import dev.herald.config.StoreConfig;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreContract;
import dev.herald.testkit.PostgresServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The store contract on the shared engine: a real PostgreSQL from the Debian package, a new database per test. */
final class PostgresStoreContractTest extends StoreContract {
    @Override
    protected Store open(Path dir) {
        return PostgresStore.open(config(database(), Duration.ofSeconds(30)), Clock.systemUTC());
    }

    /** A new database on the shared test server. */
    static String database() {
        try {
            return PostgresServerProcess.shared().createDatabase();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StoreConfig config(String url, Duration lease) {
        return StoreConfig.postgres(new StoreConfig.PostgresConfig(url, Optional.of(PostgresServerProcess.USER),
                Optional.of(Secret.of(PostgresServerProcess.PASSWORD)), 6, lease));
    }
}
