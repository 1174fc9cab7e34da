package dev.herald.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

final class SendOutcomeTest {

    private static String classify(SendOutcome outcome) {
        return switch (outcome) {
            case SendOutcome.Accepted a -> a.finalHop() ? "delivered" : "sent";
            case SendOutcome.Retry r -> "retry";
            case SendOutcome.Failed f -> "failed";
            case SendOutcome.AddressInvalid a -> "bounced";
            case SendOutcome.Throttled t -> "throttled";
        };
    }

    @Test
    void outcomesAreAClosedSet() {
        assertEquals("delivered", classify(SendOutcome.Accepted.withId("x", true)));
        assertEquals("retry", classify(SendOutcome.Retry.of("HTTP 503")));
        assertEquals("bounced", classify(SendOutcome.AddressInvalid.of("gone")));
        assertEquals("throttled", classify(new SendOutcome.Throttled(Duration.ofSeconds(1), "slow down")));
    }

    @Test
    void aFailureSaysWhetherTheMessageOrAnOptOutCausedIt() {
        var plain = new SendOutcome.Failed("HTTP 400 Bad Request");
        assertEquals(SendOutcome.Failed.Cause.MESSAGE, plain.cause());
        assertEquals("failed: HTTP 400 Bad Request", plain.describe());

        var optedOut = SendOutcome.Failed.optedOut("Twilio 21610 (HTTP 400)");
        assertEquals(SendOutcome.Failed.Cause.RECIPIENT_OPTED_OUT, optedOut.cause());
        assertEquals("Twilio 21610 (HTTP 400)", optedOut.reason());
        assertEquals("failed, recipient opted out: Twilio 21610 (HTTP 400)", optedOut.describe());
        assertEquals("failed", classify(optedOut));
        assertThrows(NullPointerException.class, () -> new SendOutcome.Failed("x", null));
    }

    @Test
    void rejectsNegativeDelays() {
        assertThrows(IllegalArgumentException.class, () -> new SendOutcome.Retry("x", Duration.ofSeconds(-1)));
    }

    @Test
    void webhookMessageValidatesMethodAndUrl() {
        var ref = new DeliveryRef(UUID.randomUUID(), 1);
        assertEquals("PUT", new WebhookMessage(ref, URI.create("http://h/x"), "put", Map.of(), "").method());
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookMessage(ref, URI.create("http://h/x"), "TRACE", Map.of(), ""));
        assertThrows(IllegalArgumentException.class,
                () -> new WebhookMessage(ref, URI.create("ftp://h/x"), "POST", Map.of(), ""));
        assertThrows(IllegalArgumentException.class, () -> new DeliveryRef(UUID.randomUUID(), 0));
    }

    @Test
    void channelsUseBrazeObjectNames() {
        assertEquals(Channel.APPLE_PUSH, Channel.fromWireName("apple_push"));
        assertEquals("webhook", Channel.WEBHOOK.wireName());
    }
}
