package dev.herald.channel.apns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import dev.herald.channel.SendOutcome;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The APNs answer table, without a network. */
final class ApnsOutcomesTest {
    private static final Instant SINCE = Instant.parse("2026-10-01T00:00:00Z");

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "410, Unregistered,                AddressInvalid",
            "410, ExpiredToken,                AddressInvalid",
            "400, BadDeviceToken,              AddressInvalid",
            "400, DeviceTokenNotForTopic,      AddressInvalid",
            "429, TooManyRequests,             Retry",
            "429, TooManyProviderTokenUpdates, Throttled",
            "403, ExpiredProviderToken,        Retry",
            "403, InvalidProviderToken,        Throttled",
            "403, MissingProviderToken,        Throttled",
            "403, BadCertificate,              Throttled",
            "403, BadCertificateEnvironment,   Throttled",
            "403, Forbidden,                   Throttled",
            "403, SomethingNew,                Throttled",
            "500, InternalServerError,         Retry",
            "503, ServiceUnavailable,          Retry",
            "503, Shutdown,                    Retry",
            "502, '',                          Retry",
            "400, IdleTimeout,                 Retry",
            "400, BadTopic,                    Failed",
            "400, TopicDisallowed,             Failed",
            "400, BadExpirationDate,           Failed",
            "400, BadCollapseId,               Failed",
            "400, BadPriority,                 Failed",
            "400, InvalidPushType,             Failed",
            "413, PayloadTooLarge,             Failed",
            "404, BadPath,                     Failed",
            "405, MethodNotAllowed,            Failed",
            "410, '',                          AddressInvalid",
    })
    void mapsEveryRejection(int status, String reason, String expected) {
        SendOutcome outcome = ApnsOutcomes.fromRejection(status, reason, Optional.empty());
        assertEquals(expected, outcome.getClass().getSimpleName(), outcome.describe());
    }

    @Test
    void unregisteredKeepsApnsTimestamp() {
        var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class,
                ApnsOutcomes.fromRejection(410, "Unregistered", Optional.of(SINCE)));
        assertEquals(Optional.of(SINCE), invalid.since());
        assertEquals("APNs 410 Unregistered", invalid.reason());
    }

    @Test
    void credentialProblemsAreParkedFiveMinutesAndTokenUpdatesTwenty() {
        var credential = assertInstanceOf(SendOutcome.Throttled.class,
                ApnsOutcomes.fromRejection(403, "InvalidProviderToken", Optional.empty()));
        assertEquals(Duration.ofMinutes(5), credential.retryAfter());
        assertEquals("credential rejected: APNs 403 InvalidProviderToken", credential.reason());
        var updates = assertInstanceOf(SendOutcome.Throttled.class,
                ApnsOutcomes.fromRejection(429, "TooManyProviderTokenUpdates", Optional.empty()));
        assertEquals(Duration.ofMinutes(20), updates.retryAfter());
    }

    @Test
    void anAcceptedResponseIsSentUnderItsApnsId() {
        UUID id = UUID.randomUUID();
        var accepted = assertInstanceOf(SendOutcome.Accepted.class, ApnsOutcomes.fromResponse(accepted(id)));
        assertEquals(Optional.of(id.toString()), accepted.providerMessageId());
        assertEquals(false, accepted.finalHop());
    }

    @Test
    void failedFuturesAreRetriedExceptARefusedHandshake() {
        var refused = assertInstanceOf(SendOutcome.Retry.class, ApnsOutcomes.fromFailure(
                new CompletionException(new ConnectException("Connection refused"))));
        assertTrue(refused.reason().startsWith("could not connect to APNs: Connection refused"), refused.reason());

        var streamClosed = assertInstanceOf(SendOutcome.Retry.class, ApnsOutcomes.fromFailure(
                new IOException("Stream closed before a reply was received")));
        assertTrue(streamClosed.reason().contains("it may still deliver"), streamClosed.reason());

        assertInstanceOf(SendOutcome.Retry.class, ApnsOutcomes.fromFailure(new IllegalStateException("closed")));

        var handshake = assertInstanceOf(SendOutcome.Throttled.class, ApnsOutcomes.fromFailure(
                new CompletionException(new IOException("wrapped", new SSLHandshakeException("certificate_revoked")))));
        assertTrue(handshake.reason().startsWith("credential rejected: TLS handshake"), handshake.reason());
    }

    private static PushNotificationResponse<SimpleApnsPushNotification> accepted(UUID id) {
        return new PushNotificationResponse<>() {
            @Override
            public SimpleApnsPushNotification getPushNotification() {
                return new SimpleApnsPushNotification("aa", "t", "{}");
            }

            @Override
            public boolean isAccepted() {
                return true;
            }

            @Override
            public UUID getApnsId() {
                return id;
            }

            @Override
            public int getStatusCode() {
                return 200;
            }

            @Override
            public Optional<String> getRejectionReason() {
                return Optional.empty();
            }

            @Override
            public Optional<Instant> getTokenInvalidationTimestamp() {
                return Optional.empty();
            }
        };
    }
}
