package dev.herald.gateway.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.herald.gateway.json.Json;
import dev.herald.gateway.model.MessageSpec;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A push's own expiry or time to live shortens its delivery's age limit, never lengthens it. */
final class AgeLimitTest {
    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    static final Instant DISPATCH_LIMIT = NOW.plusSeconds(86_400);

    private static <S extends MessageSpec> Instant limit(ChannelBinding<S, ?> binding, String object) throws Exception {
        S spec = binding.parse(Json.parse(object), Optional.empty());
        return binding.ageLimit(spec, DISPATCH_LIMIT, NOW);
    }

    @Test
    void pushExpiryAndTimeToLiveShortenTheAgeLimit() throws Exception {
        assertEquals(NOW.plusSeconds(600), limit(ChannelBindings.APPLE_PUSH,
                "{\"alert\":\"a\",\"expiry\":\"2026-11-23T10:10:00Z\"}"));
        assertEquals(NOW.plusSeconds(600), limit(ChannelBindings.APPLE_PUSH,
                "{\"alert\":\"a\",\"expiry\":\"2026-11-23T11:10:00+01:00\"}"));
        assertEquals(NOW.plusSeconds(60), limit(ChannelBindings.ANDROID_PUSH,
                "{\"alert\":\"a\",\"title\":\"t\",\"time_to_live\":60}"));
        assertEquals(NOW, limit(ChannelBindings.ANDROID_PUSH, "{\"alert\":\"a\",\"title\":\"t\",\"time_to_live\":0}"),
                "0: now or never, as FCM means it");
    }

    @Test
    void theDispatchsLimitStandsOtherwise() throws Exception {
        assertEquals(DISPATCH_LIMIT, limit(ChannelBindings.APPLE_PUSH,
                "{\"alert\":\"a\",\"expiry\":\"2026-12-30T00:00:00Z\"}"));
        assertEquals(DISPATCH_LIMIT, limit(ChannelBindings.ANDROID_PUSH,
                "{\"alert\":\"a\",\"title\":\"t\",\"time_to_live\":2419200}"));
        assertEquals(DISPATCH_LIMIT, limit(ChannelBindings.APPLE_PUSH, "{\"alert\":\"a\"}"));
        assertEquals(DISPATCH_LIMIT, limit(ChannelBindings.WEBHOOK,
                "{\"url\":\"https://h.test/\",\"request_method\":\"POST\",\"expiry\":\"2026-11-23T10:10:00Z\"}"));
    }
}
