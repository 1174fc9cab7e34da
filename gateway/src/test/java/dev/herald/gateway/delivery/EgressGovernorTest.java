package dev.herald.gateway.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.SendOutcome;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import dev.herald.config.WebhookConfig;
import dev.herald.gateway.binding.EgressKeys;
import dev.herald.gateway.model.Lane;
import dev.herald.testkit.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The governor alone, on a fake clock that also drives its buckets. */
final class EgressGovernorTest {
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");
    private static final String RELAY = "smtp:mailer@relay.test:587";
    private static final String HOOK = "webhook:hooks.test:443";
    private static final SendOutcome OK = new SendOutcome.Accepted(java.util.Optional.empty(), false);
    private static final SendOutcome HTTP_503 = SendOutcome.Retry.of("HTTP 503");

    private final MutableClock clock = new MutableClock(START);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EgressGovernor governor = new EgressGovernor(
            new EgressLimits(Map.of(RELAY, 4), Map.of("sms:+15550001111", 1.0, "sms:+15550002222", 1.0)),
            new EgressGovernor.Settings(10, 4, 50, Duration.ofSeconds(30), 2), clock,
            EgressGovernor.nanoTimeOf(clock), registry);

    private List<EgressPermit> take(String key, Lane lane, int n) {
        List<EgressPermit> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EgressPermit p = governor.tryAcquire(key, lane);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void aRelayRunsAtMostItsPoolSizeAndKeepsOneOfFourSlotsForTransactional() {
        List<EgressPermit> bulk = take(RELAY, Lane.BULK, 10);
        assertEquals(3, bulk.size(), "bulk and standard share 80 % of the pool");
        assertNull(governor.tryAcquire(RELAY, Lane.STANDARD));
        assertTrue(governor.blocked(Lane.BULK).contains(RELAY));
        assertTrue(!governor.blocked(Lane.TRANSACTIONAL).contains(RELAY));
        EgressPermit reset = governor.tryAcquire(RELAY, Lane.TRANSACTIONAL);
        assertNotNull(reset, "a password reset never waits behind the bulk backlog");
        assertNull(governor.tryAcquire(RELAY, Lane.TRANSACTIONAL), "the pool itself is full now");
        assertEquals(4, governor.inFlight(RELAY));

        bulk.getFirst().finish(OK);
        bulk.getFirst().release(); // ending twice frees the slot once
        assertEquals(3, governor.inFlight(RELAY));
        assertNotNull(governor.tryAcquire(RELAY, Lane.BULK));
        assertNull(governor.tryAcquire(RELAY, Lane.BULK));
    }

    @Test
    void roomIsWhatALaneCouldStillStartSoAClaimReadsNoMore() {
        assertEquals(3, governor.room(RELAY, Lane.BULK), "an unused key: its shared slots");
        assertEquals(4, governor.room(RELAY, Lane.TRANSACTIONAL));
        List<EgressPermit> bulk = take(RELAY, Lane.BULK, 2);
        assertEquals(1, governor.room(RELAY, Lane.STANDARD));
        assertEquals(2, governor.room(RELAY, Lane.TRANSACTIONAL));
        take(RELAY, Lane.BULK, 5);
        assertEquals(0, governor.room(RELAY, Lane.BULK));
        bulk.getFirst().finish(OK);
        assertEquals(1, governor.room(RELAY, Lane.BULK));
    }

    @Test
    void aReloadedPoolSizeAppliesToAKeyAlreadyInUse() {
        List<EgressPermit> before = take(RELAY, Lane.BULK, 10);
        assertEquals(3, before.size());
        governor.reconfigure(new EgressLimits(Map.of(RELAY, 10), Map.of()));
        assertEquals(5, take(RELAY, Lane.BULK, 10).size(), "8 shared slots now, 3 of them already in flight");
        assertEquals(10, governor.inFlight(RELAY) + take(RELAY, Lane.TRANSACTIONAL, 10).size());
    }

    @Test
    void anSmtpRelayStartsFourSendsPerPooledConnectionThePoolBoundsTheWire() {
        var config = ConfigLoader.parse("""
                workspaces:
                  - id: mail
                    api_keys: [ { name: k, sha256: "%s", permissions: [messages.send] } ]
                    email: { smtp: { host: relay.test, port: 2525, starttls: disabled, pool: 3 } }
                """.formatted("0".repeat(64)), SecretResolver.withEnvironment(Map.of()));
        var limits = EgressLimits.from(config.workspaces(), config.webhook());
        String relay = EgressKeys.smtp(config.workspaces().getFirst().email().orElseThrow().smtp());
        assertEquals(3 * EgressLimits.SMTP_STARTED_PER_CONNECTION, limits.concurrency(relay));
    }

    @Test
    void aWebhookHostTakesTheInFlightTheWebhookSectionNamesForIt() {
        var webhook = new WebhookConfig(false, Duration.ofSeconds(5), Duration.ofSeconds(30), 256, 64,
                Map.of("ingest.test", 300, "partner.test:8443", 8));
        var limits = EgressLimits.from(List.of(), webhook);
        assertEquals(300, limits.concurrency(EgressKeys.webhook("acme", "https://ingest.test/hook")));
        assertEquals(300, limits.concurrency(EgressKeys.webhook("acme", "http://INGEST.test:8080/hook")));
        assertEquals(8, limits.concurrency(EgressKeys.webhook("acme", "https://partner.test:8443/hook")));
        assertEquals(64, limits.concurrency(EgressKeys.webhook("acme", "https://partner.test/hook")));
        assertEquals(64, limits.concurrency(EgressKeys.webhook("acme", "https://{{${host}}}/hook")), "templated");
    }

    @Test
    void channelDefaultsApplyToKeysWithoutConfiguration() {
        int perHost = WebhookConfig.DEFAULT_MAX_IN_FLIGHT_PER_HOST;
        assertEquals(perHost, EgressLimits.defaults().concurrency(HOOK));
        assertEquals(EgressGovernor.sharedSlots(perHost), take(HOOK, Lane.STANDARD, 100).size());
        assertEquals(25, EgressGovernor.sharedSlots(32));
        assertEquals(1, EgressGovernor.sharedSlots(2));
        assertEquals(1, EgressGovernor.sharedSlots(1), "a single slot cannot be split: it is shared");
    }

    @Test
    void providerFailuresOpenTheBreakerAndAskForOneParkOfTheKey() {
        for (EgressPermit p : take(HOOK, Lane.STANDARD, 4)) {
            p.finish(HTTP_503);
        }
        assertEquals(CircuitBreaker.State.OPEN, governor.breakerState(HOOK));
        Instant until = START.plusSeconds(30);
        assertEquals(List.of(new Park(HOOK, until)), governor.takeParks());
        assertEquals(List.of(), governor.takeParks(), "asked once");
        assertTrue(governor.blocked(Lane.TRANSACTIONAL).contains(HOOK));
        assertNull(governor.tryAcquire(HOOK, Lane.TRANSACTIONAL));
        assertEquals(java.util.Optional.of(until), governor.pausedUntil(HOOK));
        assertEquals(1.0, registry.get("herald.egress.breaker.state").tag("egress_key", HOOK).gauge().value());
    }

    @Test
    void recipientThrottlesAndAddressErrorsNeverOpenTheBreaker() {
        List<EgressPermit> permits = take(HOOK, Lane.STANDARD, 10);
        for (int i = 0; i < permits.size(); i++) {
            permits.get(i).finish(switch (i % 3) {
                case 0 -> SendOutcome.Retry.forRecipient("TooManyRequests", Duration.ofSeconds(1));
                case 1 -> SendOutcome.AddressInvalid.of("Unregistered");
                default -> new SendOutcome.Failed("HTTP 404");
            });
        }
        assertEquals(CircuitBreaker.State.CLOSED, governor.breakerState(HOOK));
        assertEquals(List.of(), governor.takeParks());
    }

    @Test
    void afterTheOpenPeriodTrialSendsCloseTheBreakerAgain() {
        take(HOOK, Lane.STANDARD, 4).forEach(p -> p.finish(HTTP_503));
        clock.advance(Duration.ofSeconds(30));
        assertTrue(!governor.blocked(Lane.STANDARD).contains(HOOK));
        List<EgressPermit> trials = take(HOOK, Lane.STANDARD, 5);
        assertEquals(2, trials.size(), "half-open lets two trial sends through");
        assertEquals(CircuitBreaker.State.HALF_OPEN, governor.breakerState(HOOK));
        trials.forEach(p -> p.finish(OK));
        assertEquals(CircuitBreaker.State.CLOSED, governor.breakerState(HOOK));
        assertEquals(25, take(HOOK, Lane.STANDARD, 30).size());
    }

    @Test
    void aFailedTrialOpensTheBreakerAgainAndParksAgain() {
        take(HOOK, Lane.STANDARD, 4).forEach(p -> p.finish(HTTP_503));
        governor.takeParks();
        clock.advance(Duration.ofSeconds(31));
        take(HOOK, Lane.STANDARD, 2).forEach(p -> p.finish(HTTP_503));
        assertEquals(CircuitBreaker.State.OPEN, governor.breakerState(HOOK));
        assertEquals(List.of(new Park(HOOK, START.plusSeconds(61))), governor.takeParks());
    }

    @Test
    void aThrottledAnswerPausesTheWholeKeyForItsRetryAfter() {
        List<EgressPermit> permits = take(HOOK, Lane.STANDARD, 3);
        permits.get(0).finish(new SendOutcome.Throttled(Duration.ofMinutes(5), "credential rejected: bad key"));
        permits.get(1).finish(new SendOutcome.Throttled(Duration.ofMinutes(1), "slow down"));
        assertEquals(List.of(new Park(HOOK, START.plus(Duration.ofMinutes(5)))), governor.takeParks());
        assertNull(governor.tryAcquire(HOOK, Lane.TRANSACTIONAL));
        assertEquals(CircuitBreaker.State.CLOSED, governor.breakerState(HOOK), "a pause is not a breaker failure");
        clock.advance(Duration.ofMinutes(5));
        assertNotNull(governor.tryAcquire(HOOK, Lane.TRANSACTIONAL));
    }

    /** Steps the fake clock by 100 ms until {@code n} sends of {@code lane} got a permit; their offsets in ms. */
    private List<Long> sendTimes(String sender, Lane lane, int n) {
        List<Long> sentAtMillis = new ArrayList<>();
        for (int step = 0; sentAtMillis.size() < n && step < 300; step++) {
            EgressPermit p;
            while (sentAtMillis.size() < n && (p = governor.tryAcquire(sender, lane)) != null) {
                p.finish(OK);
                sentAtMillis.add(clock.millis() - START.toEpochMilli());
            }
            clock.advance(Duration.ofMillis(100));
        }
        return sentAtMillis;
    }

    @Test
    void tenMessagesToAOnePerSecondSenderSpreadOverTime() {
        // One message a second; the bucket holds 1.25 messages, so only the second follows the first early.
        assertEquals(List.of(0L, 800L, 1800L, 2800L, 3800L, 4800L, 5800L, 6800L, 7800L, 8800L),
                sendTimes("sms:+15550001111", Lane.TRANSACTIONAL, 10));
    }

    @Test
    void bulkAloneGetsFourFifthsOfASendersRate() {
        // 1.25 s apart, seen at the next 100 ms step: eight in the first ten seconds.
        assertEquals(List.of(0L, 1300L, 2600L, 3900L, 5200L, 6500L, 7800L, 9100L, 10400L),
                sendTimes("sms:+15550001111", Lane.BULK, 9));
    }

    @Test
    void aTransactionalMessageGetsASendersTokenWithinASecondWhileBulkDrainsIt() {
        Long transactionalAt = null;
        for (int step = 0; step < 100 && transactionalAt == null; step++) {
            EgressPermit bulk = governor.tryAcquire("sms:+15550001111", Lane.BULK);
            if (bulk != null) {
                bulk.finish(OK);
            }
            if (step >= 50) { // a password reset arrives after 5 s of saturating bulk
                EgressPermit t = governor.tryAcquire("sms:+15550001111", Lane.TRANSACTIONAL);
                if (t != null) {
                    transactionalAt = clock.millis() - START.toEpochMilli();
                }
            }
            clock.advance(Duration.ofMillis(100));
        }
        assertNotNull(transactionalAt);
        assertTrue(transactionalAt <= 6000, "sent at " + transactionalAt + " ms");
    }

    @Test
    void twoSendersHaveIndependentBuckets() {
        assertNotNull(governor.tryAcquire("sms:+15550001111", Lane.TRANSACTIONAL));
        assertNull(governor.tryAcquire("sms:+15550001111", Lane.TRANSACTIONAL));
        assertTrue(governor.blocked(Lane.TRANSACTIONAL).contains("sms:+15550001111"));
        assertNotNull(governor.tryAcquire("sms:+15550002222", Lane.TRANSACTIONAL));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(!governor.blocked(Lane.TRANSACTIONAL).contains("sms:+15550001111"));
        assertNotNull(governor.tryAcquire("sms:+15550001111", Lane.TRANSACTIONAL));
    }
}
