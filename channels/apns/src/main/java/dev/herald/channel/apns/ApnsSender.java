package dev.herald.channel.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import dev.herald.channel.ApplePush;
import dev.herald.channel.ApplePushMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.support.LastValue;
import dev.herald.config.ApnsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends iOS pushes for one APNs credential (a .p8 signing key or a .p12 certificate) through one long-lived Pushy
 * {@link ApnsClient}. The topic comes from each message, so one sender serves every app of the credential; the
 * composition root keeps one sender per {@link ApnsConfig#credentialKey()}.
 *
 * <p><b>Threading.</b> Thread-safe; {@link #send} never blocks and never waits on a future. At most
 * {@code maxInFlight} notifications are outstanding at APNs; further sends wait in a FIFO queue (up to four times
 * {@code maxInFlight}) and start as replies free permits. Past that a send answers {@code Retry} at once. A send
 * that has no answer 30 seconds after it was called (queueing included) answers {@code Retry}. Stages complete on a
 * shared {@link ApnsResources} I/O thread (or, for immediate answers, the caller's thread): attach only
 * non-blocking continuations, or hop to an executor.
 *
 * <p><b>Outcomes.</b> Every APNs answer and connection failure becomes a {@link SendOutcome} (see
 * {@code ApnsOutcomes}); a message that cannot be sent (past expiry, payload over 4 KB, invalid field) is
 * {@code Failed} without contacting APNs. Pushy never retries on its own, so one send is one attempt. A
 * {@code Retry} after a lost connection may duplicate a notification APNs already took; the {@code apns-id} is the
 * delivery id, so the app can drop it.
 *
 * <p><b>Lifecycle.</b> {@link #close()} stops new sends, lets in-flight ones finish (up to 10 s), fails queued ones
 * with {@link IllegalStateException}, and closes the client, never the shared {@link ApnsResources}. It waits for
 * that, so do not call it on an APNs I/O thread.
 */
public final class ApnsSender implements Sender<ApplePushMessage> {
    /** Notifications a credential keeps outstanding at APNs: its stream limit on one connection. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
    private static final Logger logger = LoggerFactory.getLogger(ApnsSender.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(15);

    private final ApnsClient client;
    private final String credential;
    private final ApnsTuning tuning;
    private final InFlightLimiter limiter;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** A send to many users builds its payload once (see {@link ApnsPayloads#notification}). */
    private final LastValue<ApplePush, ApnsPayloads.Payload> payloads = new LastValue<>();

    private ApnsSender(ApnsClient client, String credential, ApnsTuning tuning) {
        this.client = client;
        this.credential = credential;
        this.tuning = tuning;
        this.limiter = new InFlightLimiter(tuning.maxInFlight(), tuning.maxWaiting());
    }

    /**
     * A sender for {@code config}'s credential on {@code resources}' threads. The client connects on the first send.
     *
     * @param maxInFlight notifications outstanding at APNs at once (e.g. 1000, APNs' stream limit per connection)
     * @param clock       the time a message's {@code expiry} is checked against, and from which the default
     *                    {@code apns-expiration} (24 hours) is counted
     * @throws IllegalArgumentException when the signing key, .p12 file or trusted certificate cannot be loaded (the
     *                                  message names the credential, never the secret)
     */
    public static ApnsSender create(ApnsConfig config, ApnsResources resources, int maxInFlight, Clock clock) {
        return create(config, resources, ApnsTuning.defaults(maxInFlight, clock));
    }

    static ApnsSender create(ApnsConfig config, ApnsResources resources, ApnsTuning tuning) {
        ApnsClient client = ApnsClientFactory.build(config, resources.eventLoopGroup(), tuning);
        logger.info("APNs client for {} ({}) ready", config.auth().describe(),
                config.server().orElse(config.environment().name().toLowerCase(java.util.Locale.ROOT)));
        return new ApnsSender(client, config.auth().describe(), tuning);
    }

    @Override
    public CompletionStage<SendOutcome> send(ApplePushMessage message) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedException());
        }
        SimpleApnsPushNotification notification;
        try {
            notification = ApnsPayloads.notification(message, tuning.clock().instant(), payloads);
        } catch (IllegalArgumentException unsendable) {
            return CompletableFuture.completedFuture(new SendOutcome.Failed(unsendable.getMessage()));
        }
        if (notification.getToken().isEmpty()) {
            return CompletableFuture.completedFuture(SendOutcome.AddressInvalid.of("device token has no hex digits"));
        }
        CompletableFuture<SendOutcome> result = new CompletableFuture<>();
        if (!limiter.submit(new Start(notification, result))) {
            return CompletableFuture.completedFuture(SendOutcome.Retry.of("APNs client for " + credential + " busy: "
                    + tuning.maxInFlight() + " in flight and " + tuning.maxWaiting() + " waiting"));
        }
        // The permit stays with Pushy's future; the deadline only answers the caller.
        return result.completeOnTimeout(SendOutcome.Retry.of("no answer from APNs within "
                + tuning.replyDeadline().toSeconds() + "s (it may still deliver)"),
                tuning.replyDeadline().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A send waiting for (or holding) a permit. */
    private final class Start implements Runnable {
        private final SimpleApnsPushNotification notification;
        private final CompletableFuture<SendOutcome> result;

        Start(SimpleApnsPushNotification notification, CompletableFuture<SendOutcome> result) {
            this.notification = notification;
            this.result = result;
        }

        @Override
        public void run() {
            start(notification, result);
        }
    }

    /** Runs with a permit held; every path returns it exactly once. */
    private void start(SimpleApnsPushNotification notification, CompletableFuture<SendOutcome> result) {
        if (closed.get()) {
            result.completeExceptionally(closedException());
            limiter.release();
            return;
        }
        if (result.isDone()) { // its deadline passed while it waited
            limiter.release();
            return;
        }
        try {
            client.sendNotification(notification).whenComplete((response, failure) -> {
                // Complete first, release second: the caller sees this outcome before the next send starts.
                result.complete(response != null ? ApnsOutcomes.fromResponse(response)
                        : ApnsOutcomes.fromFailure(failure));
                limiter.release();
            });
        } catch (RuntimeException bug) {
            result.complete(ApnsOutcomes.fromFailure(bug));
            limiter.release();
        }
    }

    /** Sends waiting for a permit (for tests and metrics). */
    int waiting() {
        return limiter.waiting();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Queued sends never reached APNs: fail them now rather than when an in-flight reply frees a permit.
        for (Runnable waiting : limiter.removeWaiting()) {
            ((Start) waiting).result.completeExceptionally(closedException());
        }
        try {
            client.close().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            logger.warn("APNs client for {} did not close cleanly: {}", credential, e.toString());
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("APNs sender for " + credential + " is closed");
    }
}
