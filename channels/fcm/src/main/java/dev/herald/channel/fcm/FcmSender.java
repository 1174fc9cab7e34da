package dev.herald.channel.fcm;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.Message;
import dev.herald.channel.AndroidPushMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.config.FcmConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Android pushes through FCM HTTP v1 for one Firebase project, with the Firebase Admin SDK's
 * {@code FirebaseMessaging.sendAsync} (never the retired batch API).
 *
 * <p><b>Threading.</b> Thread-safe; {@link #send} never blocks. Each sender owns a {@code FirebaseApp} with a
 * unique name and a pool of {@code maxConcurrency} platform threads with room for {@code 4 × maxConcurrency}
 * queued sends ({@link BoundedThreadManager}): at most {@code maxConcurrency} requests are at FCM at once, and
 * a send that finds the queue full is answered {@code Retry} at once. The stage completes on one of those
 * threads (or on the JDK's timeout thread), so callers must not block in its continuations.
 *
 * <p><b>Retries and time.</b> The SDK retries HTTP 503 by itself (up to 4 times, back-off from 500 ms, or
 * {@code Retry-After} up to 60 s; not configurable), and its HTTP client answers a 401 by refreshing the OAuth
 * token and resending (up to 4 times); all of that is one Herald attempt. Each attempt
 * is bounded by an attempt timeout (60 s by default), above the SDK's usual worst case of 7.5 s of back-off
 * plus five round trips; when it fires the send is cancelled (a queued one never runs) and the outcome is
 * {@code Retry}. Connect and read timeouts are 10 s per HTTP request. Outcomes follow {@link FcmOutcomes}; an
 * accepted message is {@code Accepted(messageId, finalHop=false)}. FCM has no idempotency key: a send that
 * times out or loses its connection after FCM took it can be delivered twice when retried.
 *
 * <p><b>Credentials.</b> The service-account JSON is read with {@code ServiceAccountCredentials.fromStream}
 * (only {@code "type": "service_account"} files are accepted). With {@link FcmConfig#endpoint()} set, every
 * request goes to that base URL instead and carries a fixed bearer token ({@value #FIXED_TOKEN}), so no OAuth
 * exchange happens (a proxy or a test peer).
 *
 * <p><b>Lifecycle.</b> {@link #close()} deletes the {@code FirebaseApp}, lets running and queued sends finish
 * for up to {@link #CLOSE_GRACE}, then closes every connection and the pool: whatever is still unanswered
 * ends {@code Retry}. It blocks for at most about that grace period and is idempotent.
 */
public final class FcmSender implements Sender<AndroidPushMessage> {
    /** The bearer token sent when {@link FcmConfig#endpoint()} replaces FCM. */
    public static final String FIXED_TOKEN = "herald-test-token";
    static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    static final int QUEUED_SENDS_PER_THREAD = 4;
    static final int QUOTA_BURST_TOKENS = 10;
    static final Duration QUOTA_BURST_WINDOW = Duration.ofSeconds(10);
    private static final Duration SATURATED_WAIT = Duration.ofSeconds(1);
    /** How long {@link #close()} lets sends in flight finish before cutting them off. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final Logger logger = LoggerFactory.getLogger(FcmSender.class);

    private final String projectId;
    private final FirebaseApp app;
    private final FirebaseMessaging messaging;
    private final FcmTransports.FcmTransport transport;
    private final BoundedThreadManager threads;
    private final FcmOutcomes outcomes;
    private final Duration attemptTimeout;
    private final Set<CompletableFuture<SendOutcome>> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FcmSender(String projectId, FirebaseApp app, FcmTransports.FcmTransport transport,
                      BoundedThreadManager threads, FcmOutcomes outcomes, Duration attemptTimeout) {
        this.projectId = projectId;
        this.app = app;
        this.messaging = FirebaseMessaging.getInstance(app);
        this.transport = transport;
        this.threads = threads;
        this.outcomes = outcomes;
        this.attemptTimeout = attemptTimeout;
    }

    /**
     * A sender for the project in {@code config}.
     *
     * @param maxConcurrency how many sends may be at FCM at once (at least 1)
     * @param clock          what a {@code Retry-After} HTTP-date is measured against, and the time of the quota
     *                       refusals whose burst throttles the project
     * @throws IllegalArgumentException if {@code maxConcurrency} is below 1, the endpoint is not an http(s) URL,
     *                                  or the service-account JSON cannot be read (the message never shows it)
     */
    public static FcmSender create(FcmConfig config, int maxConcurrency, Clock clock) {
        return create(config, maxConcurrency, DEFAULT_ATTEMPT_TIMEOUT, clock);
    }

    static FcmSender create(FcmConfig config, int maxConcurrency, Duration attemptTimeout, Clock clock) {
        return create(config, credentials(config), maxConcurrency, attemptTimeout, clock);
    }

    static FcmSender create(FcmConfig config, GoogleCredentials credentials, int maxConcurrency,
                            Duration attemptTimeout, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + maxConcurrency);
        }
        var threads = new BoundedThreadManager("herald-fcm-" + config.projectId(), maxConcurrency,
                QUEUED_SENDS_PER_THREAD * maxConcurrency);
        var transport = FcmTransports.create(config.endpoint());
        try {
            return start(config, credentials, transport, threads, attemptTimeout, clock);
        } catch (RuntimeException e) {
            transport.closeNow();
            throw e;
        }
    }

    private static FcmSender start(FcmConfig config, GoogleCredentials credentials,
                                   FcmTransports.FcmTransport transport, BoundedThreadManager threads,
                                   Duration attemptTimeout, Clock clock) {
        String name = "herald-fcm-" + config.projectId() + "-" + UUID.randomUUID();
        FirebaseOptions options = FirebaseOptions.builder()
                .setProjectId(config.projectId())
                .setCredentials(credentials)
                .setHttpTransport(transport.transport())
                .setThreadManager(threads)
                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                .setReadTimeout((int) READ_TIMEOUT.toMillis())
                // No write timeout: the SDK's transport would wait that long for a connection that was refused
                // at once (the write only starts once connected); connect and read timeouts bound the request.
                .build();
        FirebaseApp app = FirebaseApp.initializeApp(options, name);
        var outcomes = new FcmOutcomes(new QuotaBurstDetector(QUOTA_BURST_TOKENS, QUOTA_BURST_WINDOW, clock),
                options.getJsonFactory(), clock);
        logger.info("FCM sender for project {} ready: {} concurrent sends{}", config.projectId(), threads.threads(),
                config.endpoint().map(e -> ", endpoint " + e).orElse(""));
        return new FcmSender(config.projectId(), app, transport, threads, outcomes, attemptTimeout);
    }

    static GoogleCredentials credentials(FcmConfig config) {
        if (config.endpoint().isPresent()) {
            return new FixedTokenCredentials(FIXED_TOKEN);
        }
        byte[] json = config.serviceAccount().reveal().getBytes(StandardCharsets.UTF_8);
        try {
            return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(json));
        } catch (IOException | RuntimeException e) {
            // The parser's message may quote the JSON, which holds the private key: name only the failure's type.
            throw new IllegalArgumentException("FCM service account for project " + config.projectId()
                    + " is not a readable service-account JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public CompletionStage<SendOutcome> send(AndroidPushMessage message) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("FCM sender closed"));
        }
        Message fcm;
        try {
            fcm = FcmMessages.toMessage(message);
        } catch (IllegalArgumentException invalid) {
            return CompletableFuture.completedFuture(new SendOutcome.Failed("invalid FCM message: "
                    + invalid.getMessage()));
        }
        ApiFuture<String> inFlight;
        try {
            inFlight = messaging.sendAsync(fcm);
        } catch (RejectedExecutionException saturated) {
            if (closed.get()) {
                return CompletableFuture.failedFuture(new IllegalStateException("FCM sender closed"));
            }
            return CompletableFuture.completedFuture(new SendOutcome.Retry("FCM sender for " + projectId
                    + " saturated: " + threads.active() + " sends in flight, " + threads.queued() + " queued",
                    SATURATED_WAIT));
        } catch (IllegalStateException deleted) {
            return CompletableFuture.failedFuture(new IllegalStateException("FCM sender closed", deleted));
        }
        return outcomeOf(inFlight, message.token());
    }

    private CompletableFuture<SendOutcome> outcomeOf(ApiFuture<String> inFlight, String token) {
        CompletableFuture<SendOutcome> result = new CompletableFuture<>();
        ApiFutures.addCallback(inFlight, new ApiFutureCallback<String>() {
            @Override
            public void onSuccess(@Nullable String messageId) {
                result.complete(FcmOutcomes.accepted(messageId));
            }

            @Override
            public void onFailure(Throwable failure) {
                result.complete(outcomes.fromFailure(failure, token));
            }
        }, Runnable::run);
        result.completeOnTimeout(SendOutcome.Retry.of("no answer from FCM within " + attemptTimeout.toMillis()
                + " ms"), attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
        pending.add(result);
        result.whenComplete((outcome, error) -> {
            pending.remove(result);
            inFlight.cancel(true); // after a timeout or close: a queued send never runs, a running one is interrupted
        });
        return result;
    }

    /** Sends waiting for a thread (for tests and metrics). */
    int queuedSends() {
        return threads.queued();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        app.delete();
        if (threads.awaitTermination(CLOSE_GRACE)) {
            transport.close();
            return;
        }
        pending.forEach(f -> f.complete(SendOutcome.Retry.of("FCM sender closed before FCM answered")));
        threads.shutdownNow();
        transport.closeNow();
    }
}
