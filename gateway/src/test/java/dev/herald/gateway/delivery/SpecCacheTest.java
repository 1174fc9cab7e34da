package dev.herald.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.model.DispatchSpec;
import dev.herald.gateway.model.Recipient;
import dev.herald.gateway.model.RecipientSpec;
import dev.herald.gateway.model.StoredSpec;
import dev.herald.gateway.model.WebhookSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The decoded specs the delivery side keeps: decoded once per run of a dispatch, and bounded by what they weigh. */
final class SpecCacheTest {
    /** A send to 50 users, stored as the journal keeps it. */
    private static StoredSpec sendToFifty(int n) {
        return StoredSpec.of(DispatchSpec.builder()
                .recipients(IntStream.range(0, 50)
                        .mapToObj(i -> RecipientSpec.of(new Recipient.ExternalId("user-" + n + "-" + i))).toList())
                .messages(List.of(new WebhookSpec("https://h.test/" + n, "POST", Map.of(), "body", Optional.empty())))
                .build());
    }

    @Test
    void aDispatchIsDecodedOnceForItsRun() {
        SpecCache cache = new SpecCache(SpecCache.DEFAULT_CHARS);
        StoredSpec stored = sendToFifty(1);

        DispatchSpec first = cache.spec("d1", stored);

        assertSame(first, cache.spec("d1", stored));
        assertNotSame(first, cache.spec("d2", stored));
    }

    @Test
    void manyLargeSpecsStayWithinTheBoundByWeightNotByCount() {
        int chars = sendToFifty(0).document().length();
        long bound = 20L * chars;
        SpecCache cache = new SpecCache(bound);

        for (int n = 0; n < 1_000; n++) {
            cache.spec("d" + n, sendToFifty(n));
        }

        assertTrue(cache.weight() <= bound, () -> cache.weight() + " characters held, bound " + bound);
        assertTrue(cache.weight() > 0);
    }

    @Test
    void aSpecLargerThanTheBoundIsStillDecodedButNotKept() {
        StoredSpec stored = sendToFifty(1);
        SpecCache cache = new SpecCache(stored.document().length() / 2);

        DispatchSpec spec = cache.spec("d1", stored);

        assertEquals(50, spec.recipients().size());
        assertEquals(0, cache.weight());
    }
}
