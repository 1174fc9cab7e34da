package dev.herald.channel.sms;

import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.SmsMessage;
import dev.herald.channel.SmsMessage.SmsSender;
import dev.herald.config.TwilioConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends SMS and MMS through one Twilio account with the Twilio Java SDK.
 *
 * <p>One {@link TwilioRestClient} per account (never the static {@code Twilio.init}), over an HTTP client that
 * makes exactly one request per attempt: the SDK's 5xx retries and Apache HttpClient's 429/503 retries are both
 * off, so the scheduler's retry count is the number of requests Twilio saw. With {@link TwilioConfig#apiBase()}
 * every request goes to that host instead of {@code api.twilio.com} (a proxy, or a test peer).
 *
 * <p><b>Threading.</b> Thread-safe. The SDK call blocks, so it runs on the executor given to {@link #create}
 * (the gateway passes virtual threads); {@link #send} returns at once and the stage completes on that executor.
 *
 * <p><b>Outcomes.</b> A created message is {@code Accepted(sid, finalHop=false)}: Twilio's "queued" is Herald's
 * "sent", and delivery evidence arrives later through {@link TwilioCallbacks}. Errors map as documented in
 * {@code TwilioOutcomes}; a recipient who replied STOP is {@link SendOutcome.Failed#optedOut Failed.optedOut}.
 * A timeout after the request was written is a retry that may duplicate the SMS (message creation is not
 * idempotent).
 *
 * <p><b>Lifecycle.</b> {@link #close()} stops new sends and closes the HTTP connections; it never shuts down
 * the executor, which belongs to the caller.
 */
public final class TwilioSmsSender implements Sender<SmsMessage> {
    /** Time allowed to open a connection (and to wait for a pooled one). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Time allowed between bytes of Twilio's answer. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    private final TwilioRestClient client;
    private final SingleAttemptHttpClient http;
    private final Executor executor;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TwilioSmsSender(TwilioRestClient client, SingleAttemptHttpClient http, Executor executor, Clock clock) {
        this.client = client;
        this.http = http;
        this.executor = executor;
        this.clock = clock;
    }

    /**
     * A sender for one Twilio account.
     *
     * @param blockingExecutor runs the SDK's blocking calls; owned by the caller
     * @param clock            what a {@code Retry-After} HTTP-date is measured against
     * @throws IllegalArgumentException if {@code config.apiBase()} is not {@code http(s)://host[:port]}
     */
    public static TwilioSmsSender create(TwilioConfig config, Executor blockingExecutor, Clock clock) {
        return create(config, blockingExecutor, clock, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT);
    }

    static TwilioSmsSender create(TwilioConfig config, Executor blockingExecutor, Clock clock,
                                  Duration connectTimeout, Duration responseTimeout) {
        Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        Objects.requireNonNull(clock, "clock");
        var http = SingleAttemptHttpClient.create(config.apiBase(), connectTimeout, responseTimeout);
        var client = new TwilioRestClient.Builder(config.accountSid(), config.authToken().reveal())
                .httpClient(http)
                .build();
        return new TwilioSmsSender(client, http, blockingExecutor, clock);
    }

    @Override
    public CompletionStage<SendOutcome> send(SmsMessage message) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("twilio sender closed"));
        }
        try {
            return CompletableFuture.supplyAsync(() -> attempt(message), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private SendOutcome attempt(SmsMessage message) {
        if (closed.get()) {
            throw new IllegalStateException("twilio sender closed");
        }
        try {
            Message created = creator(message).create(client);
            return TwilioOutcomes.accepted(created.getSid());
        } catch (TwilioException e) {
            return TwilioOutcomes.fromException(e, http.takeAnswer(), clock);
        } finally {
            http.takeAnswer(); // never leave this attempt's answer behind on a pooled thread
        }
    }

    private static MessageCreator creator(SmsMessage m) {
        PhoneNumber to = new PhoneNumber(m.to());
        // Body is optional for MMS: send none rather than an empty one.
        boolean mediaOnly = m.body().isEmpty() && !m.media().isEmpty();
        MessageCreator creator = switch (m.from()) {
            case SmsSender.Number n -> mediaOnly
                    ? Message.creator(to, new PhoneNumber(n.number()), m.media())
                    : Message.creator(to, new PhoneNumber(n.number()), m.body());
            case SmsSender.MessagingService s -> mediaOnly
                    ? Message.creator(to, s.sid(), m.media())
                    : Message.creator(to, s.sid(), m.body());
        };
        if (!mediaOnly && !m.media().isEmpty()) {
            creator.setMediaUrl(m.media());
        }
        m.statusCallback().ifPresent(creator::setStatusCallback);
        return creator;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            http.close();
        }
    }
}
