package dev.herald.gateway.store.sqlite;

import dev.herald.config.StoreConfig;
import dev.herald.gateway.store.Store;
import dev.herald.gateway.store.StoreContract;
import java.nio.file.Path;
import java.time.Duration;

/** The store contract on the embedded engine. */
final class SqliteStoreContractTest extends StoreContract {
    @Override
    protected Store open(Path dir) {
        return SqliteStore.open(new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("herald.db"), 10_000,
                Duration.ofDays(7)));
    }

    @Override
    protected void lookupsCaughtUp() throws Exception {
        SqliteLookupIndexTest.caughtUp((SqliteStore) store);
    }
}
