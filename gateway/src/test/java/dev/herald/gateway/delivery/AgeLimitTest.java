package dev.herald.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.channel.Channel;
import dev.herald.gateway.json.Json;
import dev.herald.gateway.store.DispatchRow;
import dev.herald.gateway.store.Lane;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A push's own expiry or time to live shortens its delivery's age limit, never lengthens it. */
final class AgeLimitTest {
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final DispatchRow D = new DispatchRow("d", "w", "messages.send", Lane.STANDARD, "{}", DispatchRow.ACCEPTED,
            NOW, NOW.plusSeconds(86_400), Optional.empty(), Optional.empty(), NOW, NOW, Optional.empty(),
            Optional.empty());

    private static Instant limit(Channel c, String object) throws Exception {
        return Expander.ageLimit(D, c, Json.parse(object), NOW);
    }

    @Test
    void pushExpiryAndTimeToLiveShortenTheAgeLimit() throws Exception {
        assertEquals(NOW.plusSeconds(600), limit(Channel.APPLE_PUSH, "{\"expiry\":\"2026-11-23T10:10:00Z\"}"));
        assertEquals(NOW.plusSeconds(600), limit(Channel.APPLE_PUSH, "{\"expiry\":\"2026-11-23T11:10:00+01:00\"}"));
        assertEquals(NOW.plusSeconds(60), limit(Channel.ANDROID_PUSH, "{\"time_to_live\":60}"));
        assertEquals(NOW, limit(Channel.ANDROID_PUSH, "{\"time_to_live\":0}"), "0: now or never, as FCM means it");
    }

    @Test
    void theDispatchsLimitStandsOtherwise() throws Exception {
        assertEquals(D.expiresAt(), limit(Channel.APPLE_PUSH, "{\"expiry\":\"2026-12-30T00:00:00Z\"}"));
        assertEquals(D.expiresAt(), limit(Channel.ANDROID_PUSH, "{\"time_to_live\":2419200}"));
        assertEquals(D.expiresAt(), limit(Channel.APPLE_PUSH, "{}"));
        assertEquals(D.expiresAt(), limit(Channel.WEBHOOK, "{\"expiry\":\"2026-11-23T10:10:00Z\"}"));
    }
}
