package dev.herald.gateway.events;

import com.standardwebhooks.Webhook;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.WebhookMessage;
import dev.herald.config.Secret;
import dev.herald.config.WorkspaceConfig;
import dev.herald.gateway.delivery.RetryPolicy;
import dev.herald.gateway.store.EventRow;
import dev.herald.gateway.store.Store;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the outbox: each due event is POSTed to its workspace's postback URL, signed per Standard Webhooks
 * ({@code webhook-id} = the event's id, the same on every retry; {@code webhook-timestamp} and
 * {@code webhook-signature} per attempt). A dispatch's events go out one at a time, in order. A non-2xx answer
 * or a connection error is retried with the delivery backoff until the event's age limit, then it is kept as
 * {@code dead}. Publishing never blocks delivery.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(EventPublisher.class);
    private static final int BATCH = 64;

    private final Store store;
    private final Function<String, Optional<WorkspaceConfig>> workspaces;
    private final Sender<WebhookMessage> http;
    private final RetryPolicy retryPolicy;
    private final Clock clock;
    private final Duration pollInterval;
    private final Set<String> busyDispatches = ConcurrentHashMap.newKeySet();
    private final Thread loop;
    private volatile boolean running = true;

    /** A publisher sending through {@code http} (a webhook sender, so the SSRF guard applies). */
    public EventPublisher(Store store, Function<String, Optional<WorkspaceConfig>> workspaces,
                          Sender<WebhookMessage> http, RetryPolicy retryPolicy, Clock clock, Duration pollInterval) {
        this.store = store;
        this.workspaces = workspaces;
        this.http = http;
        this.retryPolicy = retryPolicy;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.loop = Thread.ofPlatform().daemon(true).name("herald-events").unstarted(this::run);
    }

    /** Starts publishing. */
    public void start() {
        loop.start();
    }

    /** There may be new events. */
    public void wake() {
        LockSupport.unpark(loop);
    }

    private void run() {
        while (running) {
            try {
                List<EventRow> due = store.write(tx -> tx.claims().claimEvents(clock.instant(), BATCH,
                                Set.copyOf(busyDispatches)))
                        .get(30, TimeUnit.SECONDS);
                for (EventRow e : due) {
                    if (busyDispatches.add(e.dispatchId())) {
                        publish(e);
                    }
                }
                if (due.isEmpty()) {
                    LockSupport.parkNanos(this, pollInterval.toNanos());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (running) {
                    logger.warn("event publishing cycle failed; retrying in 1 s: {}", e.toString());
                    LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                }
            }
        }
    }

    private void publish(EventRow e) {
        CompletableFuture<SendOutcome> sent;
        Optional<WorkspaceConfig> ws = workspaces.apply(e.workspace());
        Optional<URI> url = ws.flatMap(w -> w.events().postbackUrl());
        Optional<Secret> secret = ws.flatMap(w -> w.events().signingSecret());
        if (url.isEmpty() || secret.isEmpty()) {
            sent = CompletableFuture.completedFuture(new SendOutcome.Failed("the workspace has no postback_url or "
                    + "signing_secret any more"));
        } else {
            sent = ConnectorSends.sendOrRetry(http, () -> signed(e, url.get(), secret.get()));
        }
        sent.thenCompose(outcome -> record(e, outcome))
                .whenComplete((done, failure) -> {
                    busyDispatches.remove(e.dispatchId());
                    if (failure != null) {
                        logger.warn("could not record the publication of event {}: {}", e.id(), failure.toString());
                    }
                    wake();
                });
    }

    private WebhookMessage signed(EventRow e, URI url, Secret secret) {
        long timestamp = clock.instant().getEpochSecond();
        String signature;
        try {
            signature = new Webhook(secret.reveal()).sign(e.id().toString(), timestamp, e.payload());
        } catch (Exception ex) {
            throw new IllegalStateException("signing event " + e.id() + " failed: " + ex.getMessage(), ex);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", signature);
        // The sender sets webhook-id from the ref's id: the event id, stable across retries.
        return new WebhookMessage(new DeliveryRef(e.id(), e.attempts() + 1), url, "POST", headers, e.payload());
    }

    private CompletableFuture<Void> record(EventRow e, SendOutcome outcome) {
        Instant now = clock.instant();
        String status;
        Optional<Instant> next = Optional.empty();
        Optional<String> error = Optional.empty();
        switch (outcome) {
            case SendOutcome.Accepted a -> status = "published";
            case SendOutcome.Retry r -> {
                next = Optional.of(retryPolicy.next(now, e.attempts() + 1, r.after()));
                error = Optional.of(r.reason());
                status = "pending";
            }
            case SendOutcome.Throttled t -> {
                next = Optional.of(now.plus(t.retryAfter()));
                error = Optional.of(t.reason());
                status = "pending";
            }
            case SendOutcome.Failed f -> {
                next = Optional.of(retryPolicy.next(now, e.attempts() + 1, Duration.ZERO));
                error = Optional.of(f.reason());
                status = "pending";
            }
            case SendOutcome.AddressInvalid a -> {
                next = Optional.of(retryPolicy.next(now, e.attempts() + 1, Duration.ZERO));
                error = Optional.of(a.reason());
                status = "pending";
            }
        }
        if (next.isPresent() && !next.get().isBefore(e.expiresAt())) {
            status = "dead";
            logger.warn("giving up on event {} of dispatch {} after {} attempts: {}", e.id(), e.dispatchId(),
                    e.attempts() + 1, error.orElse(""));
        }
        String finalStatus = status;
        Optional<Instant> finalNext = next;
        Optional<String> finalError = error;
        return store.<Void>write(tx -> {
            tx.events().record(e, finalStatus, finalNext, finalError, now);
            return null;
        });
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(loop);
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
