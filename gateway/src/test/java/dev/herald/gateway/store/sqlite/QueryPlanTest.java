package dev.herald.gateway.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.config.StoreConfig;
import dev.herald.gateway.store.Deliveries;
import dev.herald.gateway.store.JdbcTx;
import dev.herald.gateway.store.Store;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's lookups on SQLite each seek their own index ({@code EXPLAIN QUERY PLAN}): a lookup that fell back to
 * a scan would still pass every functional test, and only show as a slow console or callback on a large journal.
 */
final class QueryPlanTest {
    @TempDir
    Path dir;

    /** The plan on a read connection (which attaches the side lookup index). */
    private String plan(String sql) throws Exception {
        return plan(sql, false);
    }

    /** The plan on the writer's connection (which holds the claim table) or a reader's. */
    private String plan(String sql, boolean onWriter) throws Exception {
        var config = new StoreConfig(StoreConfig.Kind.SQLITE, dir.resolve("herald.db"), 100, Duration.ofDays(7));
        try (var store = SqliteStore.open(config)) {
            Store.Work<String> explain = tx -> {
                StringBuilder out = new StringBuilder();
                try (PreparedStatement ps = ((JdbcTx) tx).sql().connection().prepareStatement(
                        "EXPLAIN QUERY PLAN " + sql); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.append(rs.getString("detail")).append('\n');
                    }
                }
                return out.toString();
            };
            return (onWriter ? store.write(explain) : store.read(explain)).get();
        }
    }

    private void assertSeeks(String index, String sql) throws Exception {
        String plan = plan(sql);
        assertTrue(plan.contains("USING INDEX " + index + " ") && !plan.contains("SCAN"), plan);
    }

    @Test
    void aTwilioCallbackFindsItsDeliveryByTheSmsOnlyProviderIdIndex() throws Exception {
        assertSeeks("delivery_sms_provider_id", Deliveries.SMS_BY_PROVIDER_ID);
    }

    @Test
    void aClaimPassesOverTheDeliveriesInFlightByTheirDueIndexEntryAndOutcomesFindTheirClaimsByIdAndRowsByNumber() throws Exception {
        String claim = plan(SqliteClaims.CLAIM_DUE, true);
        assertTrue(claim.contains("USING INDEX delivery_due_key (lane=? AND workspace=? AND egress_key=? AND "
                + "next_attempt_at<?)") && claim.contains("USING ROWID SEARCH ON TABLE claimed FOR IN-OPERATOR")
                && !claim.contains("TEMP B-TREE"), claim);
        String release = plan(SqliteClaims.release(64), true);
        assertTrue(release.contains("SEARCH c USING INDEX") && release.contains("(id=?)")
                && !release.contains("SCAN c"), release);
        String outcome = plan(SqliteClaims.outcomes(64), true);
        assertTrue(outcome.contains("SEARCH delivery USING INTEGER PRIMARY KEY (rowid=?)")
                && !outcome.contains("SCAN delivery"), outcome);
    }

    @Test
    void theConsoleFindsDeliveriesByRecipientOrAddressThroughTheSideIndexAndTheRowsItHasNotReached() throws Exception {
        for (Deliveries.LookupColumn column : Deliveries.LookupColumn.values()) {
            String plan = plan(SqliteDialect.latestQuery(column));
            assertTrue(plan.contains("SEARCH e USING PRIMARY KEY (key=?")
                    && plan.contains("USING INTEGER PRIMARY KEY (rowid=?)")
                    && plan.contains("USING INTEGER PRIMARY KEY (rowid>?)")
                    && !plan.matches("(?s).*SCAN (d|delivery|lookup\\.lookup_entry)\\b.*"), plan);
        }
    }
}
