package dev.herald.channel.apns;

import static dev.herald.channel.apns.TestCredentials.deviceToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.config.ApnsConfig;
import dev.herald.testkit.ApnsPeer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Flow control: a bounded number of notifications outstanding at APNs, the rest queued without blocking. */
final class ApnsInFlightTest {
    private static final String TOPIC = "dev.herald.app";
    private static ApnsResources resources;

    private final ApnsConfig.TokenAuth auth = TestCredentials.tokenAuth(ApnsPeer.Team.of("TEAM000001", "KEY0000001"));

    @BeforeAll
    static void startThreads() {
        resources = ApnsResources.create(1);
    }

    @AfterAll
    static void stopThreads() {
        resources.close();
    }

    private static ApplePushMessage message(int n) {
        return new ApplePushMessage(new DeliveryRef(UUID.randomUUID(), 1), deviceToken("device-" + n), TOPIC,
                ApplePush.builder().alert(ApplePush.Alert.of("n" + n)).build());
    }

    @Test
    void moreSendsThanPermitsAllCompleteWithNeverMoreThanTwoOutstandingAtTheServer() throws Exception {
        // Events in one order: arrivals at the server and outcomes at the caller. Outstanding = arrived - answered.
        var outstanding = new AtomicInteger();
        var maxOutstanding = new AtomicInteger();
        var allSent = new CountDownLatch(1);
        var firstArrival = new AtomicInteger();
        try (var apns = ApnsPeer.start(session -> (headers, payload) -> {
                maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
                if (firstArrival.getAndIncrement() == 0) {
                    ApnsSenderTest.await(allSent); // hold the first answer until every send has been made
                }
            });
             var sender = ApnsSender.create(TestCredentials.config(apns, TOPIC, auth), resources,
                     ApnsTuning.defaults(2, Clock.systemUTC()).withMaxWaiting(100))) {
            List<CompletableFuture<SendOutcome>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // Each send returns at once although only two can be outstanding: a blocking send would hang here.
                var result = sender.send(message(i)).toCompletableFuture();
                results.add(result.whenComplete((o, e) -> outstanding.decrementAndGet()));
            }
            assertEquals(18, sender.waiting(), "two in flight, eighteen queued");
            allSent.countDown();

            for (var result : results) {
                assertInstanceOf(SendOutcome.Accepted.class, result.get(20, TimeUnit.SECONDS));
            }
            assertEquals(20, apns.received().size());
            assertTrue(maxOutstanding.get() <= 2, "at most two outstanding, saw " + maxOutstanding.get());
            assertEquals(0, sender.waiting());
        }
    }

    @Test
    void sendsBeyondTheWaitingQueueAnswerRetryAtOnce() throws Exception {
        var release = new CountDownLatch(1);
        try (var apns = ApnsPeer.start(session -> (headers, payload) -> ApnsSenderTest.await(release));
             var sender = ApnsSender.create(TestCredentials.config(apns, TOPIC, auth), resources,
                     ApnsTuning.defaults(1, Clock.systemUTC()).withMaxWaiting(2))) {
            var inFlight = sender.send(message(0)).toCompletableFuture();
            var queued = List.of(sender.send(message(1)).toCompletableFuture(),
                    sender.send(message(2)).toCompletableFuture());
            var overflow = sender.send(message(3)).toCompletableFuture();

            assertTrue(overflow.isDone(), "the overflowing send answers without waiting");
            var retry = assertInstanceOf(SendOutcome.Retry.class, overflow.get());
            assertTrue(retry.reason().contains("busy: 1 in flight and 2 waiting"), retry.reason());
            assertFalse(inFlight.isDone());
            release.countDown();
            assertInstanceOf(SendOutcome.Accepted.class, inFlight.get(20, TimeUnit.SECONDS));
            for (var q : queued) {
                assertInstanceOf(SendOutcome.Accepted.class, q.get(20, TimeUnit.SECONDS));
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void closingFailsQueuedSendsWithIllegalStateAndLetsInFlightOnesFinish() throws Exception {
        var release = new CountDownLatch(1);
        var arrived = new CountDownLatch(1);
        try (var apns = ApnsPeer.start(session -> (headers, payload) -> {
            arrived.countDown();
            ApnsSenderTest.await(release);
        })) {
            var sender = ApnsSender.create(TestCredentials.config(apns, TOPIC, auth), resources,
                    ApnsTuning.defaults(1, Clock.systemUTC()));
            var inFlight = sender.send(message(0)).toCompletableFuture();
            var queued = sender.send(message(1)).toCompletableFuture();
            ApnsSenderTest.await(arrived);

            var closing = CompletableFuture.runAsync(sender::close);
            // Close fails the queued send at once; only then may the in-flight one answer and free its permit.
            var e = assertThrows(ExecutionException.class, () -> queued.get(20, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            release.countDown();
            closing.get(20, TimeUnit.SECONDS);

            assertInstanceOf(SendOutcome.Accepted.class, inFlight.get(20, TimeUnit.SECONDS));
            assertEquals(1, apns.received().size(), "the queued notification never reached APNs");
        } finally {
            release.countDown();
        }
    }
}
