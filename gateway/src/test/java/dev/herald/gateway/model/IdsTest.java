package dev.herald.gateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.gateway.model.Ids;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class IdsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(0x0123_4567_89abL), ZoneOffset.UTC);

    @Test
    void dispatchIdsAreBrazeShapedAndStartWithTheirMillisecond() throws Exception {
        String id = Ids.dispatchId(CLOCK);
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertEquals("0123456789ab", id.substring(0, 12));
        assertNotEquals(id, Ids.dispatchId(CLOCK), "the random part differs");
        try (var virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            String fromVirtual = virtual.submit(() -> Ids.dispatchId(CLOCK)).get();
            assertTrue(fromVirtual.matches("0123456789ab[0-9a-f]{20}"), fromVirtual);
        }
    }

    @Test
    void deliveryIdsAreVersion7Uuids() {
        var id = Ids.deliveryId(CLOCK);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(0x0123_4567_89abL, id.getMostSignificantBits() >>> 16);
    }
}
