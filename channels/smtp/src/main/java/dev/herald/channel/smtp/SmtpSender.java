package dev.herald.channel.smtp;

import dev.herald.channel.EmailMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.config.SmtpConfig;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends email through one SMTP relay with Jakarta Mail and Eclipse Angus.
 *
 * <p>Up to {@code config.pool()} connections are opened on demand and reused for later messages, so a
 * message costs MAIL FROM, RCPT TO and DATA, not a TCP and TLS handshake and a login. A connection that
 * failed at the transport level or answered 421 is closed and replaced; one that sat idle is probed with
 * NOOP before use. At most {@code pool} messages are on the wire at once; later sends wait for a connection
 * without holding a thread.
 *
 * <p><b>Threading.</b> {@link #send} never blocks: the blocking Angus calls run on the executor given to
 * {@link #create}, meant to be a virtual-thread-per-task executor, which this sender neither owns nor closes.
 *
 * <p><b>Outcomes.</b> A 250 after DATA is {@code Accepted} with the {@code Message-ID} as provider id
 * ({@code finalHop} from the config); other replies map as described in {@code SmtpOutcomes}. The
 * {@code Message-ID} is {@code <delivery-id@from-domain>} on every attempt, so receivers can drop the
 * duplicate that follows when a connection breaks after the relay took the message but before it answered.
 */
public final class SmtpSender implements Sender<EmailMessage> {
    private static final Logger logger = LoggerFactory.getLogger(SmtpSender.class);
    /** Idle time after which a pooled connection is probed with NOOP before use. */
    static final Duration PROBE_AFTER = Duration.ofSeconds(10);

    private final SmtpConfig config;
    private final Executor executor;
    private final MimeComposer composer;
    private final TransportPool pool;
    private final ScheduledThreadPoolExecutor writeTimeouts;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SmtpSender(SmtpConfig config, Executor executor, Clock clock) {
        this.config = config;
        this.executor = executor;
        this.writeTimeouts = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon()
                .name("herald-smtp-write-timeout-" + config.relay()).factory());
        this.writeTimeouts.setRemoveOnCancelPolicy(true);
        Session session = Session.getInstance(SessionProperties.of(config, writeTimeouts));
        this.composer = new MimeComposer(session, clock);
        this.pool = new TransportPool(config.pool(),
                () -> new PooledTransport(() -> RelayTransport.connect(session, config), clock, PROBE_AFTER));
    }

    /**
     * A sender for one relay.
     *
     * @param config           the relay; {@code pool} connections at most
     * @param blockingExecutor runs the blocking SMTP conversations; a virtual-thread-per-task executor
     * @param clock            the time of {@code Date} headers, and how long a pooled connection sat idle
     *                         before it is probed with NOOP
     */
    public static SmtpSender create(SmtpConfig config, Executor blockingExecutor, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(blockingExecutor, "blockingExecutor");
        Objects.requireNonNull(clock, "clock");
        StreamProviderPin.pin();
        return new SmtpSender(config, blockingExecutor, clock);
    }

    @Override
    public CompletionStage<SendOutcome> send(EmailMessage message) {
        Objects.requireNonNull(message, "message");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("SMTP sender for " + config.relay()
                    + " is closed"));
        }
        CompletableFuture<SendOutcome> result = new CompletableFuture<>();
        pool.borrow().whenComplete((transport, unavailable) -> {
            if (unavailable != null) {
                result.completeExceptionally(unavailable);
                return;
            }
            try {
                executor.execute(() -> attempt(transport, message, result));
            } catch (RejectedExecutionException e) {
                pool.release(transport);
                result.completeExceptionally(new IllegalStateException("blocking executor refused the send", e));
            }
        });
        return result;
    }

    private void attempt(PooledTransport transport, EmailMessage message, CompletableFuture<SendOutcome> result) {
        SendOutcome outcome;
        try {
            outcome = deliver(transport, message);
        } catch (RuntimeException | Error bug) {
            transport.discard();
            pool.release(transport);
            result.completeExceptionally(bug);
            return;
        }
        // Released before completing: the caller's continuation must not hold the connection.
        pool.release(transport);
        result.complete(outcome);
    }

    private SendOutcome deliver(PooledTransport transport, EmailMessage message) {
        ComposedEmail email;
        try {
            email = composer.compose(message);
        } catch (UnsendableEmailException e) {
            return e.outcome();
        }
        try {
            transport.connected().sendMessage(email.message(), new Address[] {email.recipient()});
            return SmtpOutcomes.accepted(email.messageId(), config.finalHop());
        } catch (MessagingException e) {
            if (!SmtpOutcomes.leavesConnectionUsable(e)) {
                transport.discard();
            }
            SendOutcome outcome = SmtpOutcomes.fromFailure(e);
            logger.debug("delivery {} via {}: {}", message.delivery().id(), config.relay(), outcome.describe());
            logger.trace("SMTP failure detail", e);
            return outcome;
        } finally {
            transport.used();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // The write-timeout scheduler outlives the connections that still use it.
            pool.close().whenComplete((done, e) -> writeTimeouts.shutdown());
        }
    }
}
