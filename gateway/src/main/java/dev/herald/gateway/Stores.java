package dev.herald.gateway;

import dev.herald.config.StoreConfig;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.postgres.PostgresStore;
import dev.herald.gateway.store.sqlite.SqliteStore;
import java.time.Clock;

/** Opens the journal engine {@code store.kind} names: the one place that knows the engines. */
public final class Stores {
    private Stores() {
    }

    /**
     * Opens (creating or migrating if needed) the configured store; {@code clock} times the leases of a shared one.
     *
     * @throws dev.herald.gateway.store.StoreLockedException      if another process holds an embedded store
     * @throws dev.herald.gateway.store.StoreUnavailableException if it cannot be opened or migrated
     */
    public static Store open(StoreConfig config, Clock clock) {
        return switch (config.kind()) {
            case SQLITE -> SqliteStore.open(config);
            case POSTGRES -> PostgresStore.open(config, clock);
        };
    }
}
