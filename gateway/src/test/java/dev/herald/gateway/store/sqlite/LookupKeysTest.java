package dev.herald.gateway.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.herald.gateway.store.Deliveries.LookupColumn;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The side index's keys are persisted: the index's thread digests the journal's bytes, lookups digest the strings
 * they are given, and both must give the same key, whatever the characters.
 */
final class LookupKeysTest {

    @Test
    void aValuesBytesAndItsStringGiveTheSameKey() {
        for (String value : new String[] {"ana@example.test", "zoë@exämple.test", "external_id:用户-42", "", "😀"}) {
            assertEquals(LookupKeys.of(LookupColumn.ADDRESS, "acme", value),
                    LookupKeys.of(LookupColumn.ADDRESS, "acme".getBytes(StandardCharsets.UTF_8),
                            value.getBytes(StandardCharsets.UTF_8)), value);
        }
    }

    @Test
    void theColumnAndTheWorkspaceArePartOfTheKey() {
        long key = LookupKeys.of(LookupColumn.ADDRESS, "acme", "ana@example.test");
        assertNotEquals(key, LookupKeys.of(LookupColumn.RECIPIENT, "acme", "ana@example.test"));
        assertNotEquals(key, LookupKeys.of(LookupColumn.ADDRESS, "acme2", "ana@example.test"));
    }
}
