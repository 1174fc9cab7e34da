package dev.herald.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.Channel;
import dev.herald.channel.SendOutcome;
import dev.herald.gateway.model.DeliveryStatus;
import dev.herald.gateway.model.Lane;
import dev.herald.gateway.store.DeliveryRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

final class OutcomesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private final Outcomes outcomes = new Outcomes(new RetryPolicy(Duration.ofSeconds(1), Duration.ofHours(1),
            new RandomGenerator() {
                @Override
                public long nextLong() {
                    return 0;
                }

                @Override
                public long nextLong(long bound) {
                    return 0;
                }
            }));

    private static DeliveryRow sending(int attempts, Instant expiresAt) {
        return new DeliveryRow(UUID.randomUUID(), "d", "acme", Channel.WEBHOOK, "r", "http://h/", "webhook:h:80",
                Lane.STANDARD, DeliveryStatus.SENDING, attempts, NOW, expiresAt, Optional.empty(), Optional.empty(),
                Optional.empty(), NOW, NOW, Optional.empty(), Optional.empty());
    }

    @Test
    void mapsEveryOutcomeToItsState() {
        var row = sending(1, NOW.plus(Duration.ofHours(24)));
        assertEquals(DeliveryStatus.DELIVERED, outcomes.update(row, new SendOutcome.Accepted(Optional.empty(), true),
                NOW, Optional.empty()).status());
        var sent = outcomes.update(row, SendOutcome.Accepted.withId("apns-1", false), NOW, Optional.empty());
        assertEquals(DeliveryStatus.SENT, sent.status());
        assertEquals(Optional.of("apns-1"), sent.providerMessageId());
        assertEquals(DeliveryStatus.FAILED, outcomes.update(row, new SendOutcome.Failed("no"), NOW,
                Optional.empty()).status());
        assertEquals(DeliveryStatus.BOUNCED, outcomes.update(row, SendOutcome.AddressInvalid.of("gone"), NOW,
                Optional.empty()).status());
    }

    @Test
    void aRetryIsQueuedAtTheProvidersTime() {
        var u = outcomes.update(sending(1, NOW.plus(Duration.ofHours(24))),
                new SendOutcome.Retry("HTTP 503", Duration.ofSeconds(7)), NOW, Optional.empty());
        assertEquals(DeliveryStatus.QUEUED, u.status());
        assertEquals(Optional.of(NOW.plusSeconds(7)), u.nextAttemptAt());
        assertEquals(Optional.of("HTTP 503"), u.lastError());
    }

    @Test
    void aThrottleWaitsOutThePause() {
        var u = outcomes.update(sending(1, NOW.plus(Duration.ofHours(24))),
                new SendOutcome.Throttled(Duration.ofMinutes(5), "slow down"), NOW, Optional.empty());
        assertEquals(Optional.of(NOW.plus(Duration.ofMinutes(5))), u.nextAttemptAt());
    }

    @Test
    void aRetryPastTheAgeLimitExpires() {
        var u = outcomes.update(sending(3, NOW.plusSeconds(5)), new SendOutcome.Retry("HTTP 503", Duration.ofSeconds(7)),
                NOW, Optional.empty());
        assertEquals(DeliveryStatus.EXPIRED, u.status());
        assertTrue(u.lastError().orElseThrow().startsWith("gave up after 3 attempts at the age limit; last error: HTTP 503"));
    }
}
