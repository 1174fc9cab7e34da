package dev.herald.channel.smtp;

import dev.herald.channel.SendOutcome;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Maps what an SMTP relay answered to a {@link SendOutcome}, following RFC 5321 §4.2 (4yz transient,
 * 5yz permanent) refined by RFC 3463 enhanced status codes parsed from the reply text:
 *
 * <table>
 *   <caption>Reply → outcome</caption>
 *   <tr><td>250 after DATA</td><td>{@code Accepted}, id = our Message-ID</td></tr>
 *   <tr><td>4xx, 421, 552 on RCPT TO (a full mailbox, RFC 5321 §4.5.3.1.10), no reply, connection
 *       errors, timeouts</td><td>{@code Retry}</td></tr>
 *   <tr><td>5.1.x on RCPT TO or after DATA (except 5.1.7/5.1.8, which are about the sender); plain 550 on
 *       RCPT TO</td><td>{@code AddressInvalid}: the mailbox is dead</td></tr>
 *   <tr><td>AUTH refused (535, any 5xx to AUTH), 530 authentication required</td>
 *       <td>{@code Throttled} 5 minutes, "credential rejected: ...": park the relay, never spin</td></tr>
 *   <tr><td>STARTTLS required but not offered</td><td>{@code Throttled} 5 minutes</td></tr>
 *   <tr><td>any other 5xx, including 5.7.x policy rejections</td><td>{@code Failed} with the relay's words</td></tr>
 * </table>
 *
 * <p>Angus reports RCPT TO failures as {@code SMTPAddressFailedException}s chained under a
 * {@code SendFailedException}, MAIL FROM and DATA failures as {@code SMTPSendFailedException}, AUTH failures
 * as {@code AuthenticationFailedException} carrying the reply, and I/O failures as a plain
 * {@code MessagingException} with the {@code IOException} chained (providers.md §3.4).
 */
final class SmtpOutcomes {
    /** How long a relay that refuses our login is left alone before the scheduler tries it again. */
    static final Duration CREDENTIAL_PAUSE = Duration.ofMinutes(5);

    /** 5.1.7 bad sender mailbox syntax, 5.1.8 bad sender system address: about us, not the recipient. */
    private static final Set<Integer> SENDER_ADDRESS_DETAILS = Set.of(7, 8);
    private static final String STARTTLS_MISSING = "STARTTLS is required";

    private SmtpOutcomes() {
    }

    /** The relay answered 250 after DATA. */
    static SendOutcome accepted(String messageId, boolean finalHop) {
        return SendOutcome.Accepted.withId(messageId, finalHop);
    }

    /** The outcome of a failed connect, login or send. */
    static SendOutcome fromFailure(MessagingException failure) {
        Optional<SmtpReply> reply = reply(failure);
        if (reply.isPresent() && reply.get().code() > 0) {
            return fromReply(reply.get());
        }
        String message = String.valueOf(failure.getMessage());
        if (failure instanceof AuthenticationFailedException && ioCause(failure).isEmpty()
                && !isLostConnection(message)) {
            // No reply code: e.g. "No authentication mechanisms supported by both server and client".
            return credentialRejected(message);
        }
        if (message.startsWith(STARTTLS_MISSING)) {
            return new SendOutcome.Throttled(CREDENTIAL_PAUSE, "relay does not offer STARTTLS, which the "
                    + "configuration requires (starttls: required)");
        }
        return fromConnectionFailure(failure, reply);
    }

    /** The outcome of one reply code; the table in the class comment. */
    static SendOutcome fromReply(SmtpReply reply) {
        String words = reply.describe();
        if (isCredentialProblem(reply)) {
            return credentialRejected(words);
        }
        if (reply.code() == 421) {
            return SendOutcome.Retry.of("relay is closing the connection: " + words);
        }
        if (reply.isTransient()) {
            return SendOutcome.Retry.of(words);
        }
        if (!reply.isPermanent()) {
            return SendOutcome.Retry.of("unexpected reply " + words);
        }
        if (reply.phase() == SmtpPhase.RCPT_TO && reply.code() == 552) {
            return SendOutcome.Retry.of("mailbox full, treated as transient: " + words);
        }
        if (isDeadMailbox(reply)) {
            return SendOutcome.AddressInvalid.of(words);
        }
        return new SendOutcome.Failed(words);
    }

    /**
     * Whether the transport can carry the next message after this failure: yes after an ordinary 4xx/5xx
     * reply (Angus resets the transaction with RSET), no after 421, a missing reply or an I/O error.
     */
    static boolean leavesConnectionUsable(MessagingException failure) {
        if (failure instanceof AuthenticationFailedException || ioCause(failure).isPresent()) {
            return false;
        }
        return reply(failure).map(r -> r.code() != 421 && (r.isTransient() || r.isPermanent())).orElse(false);
    }

    private static boolean isCredentialProblem(SmtpReply reply) {
        return reply.code() == 535 || reply.code() == 530
                || reply.phase() == SmtpPhase.AUTH && reply.isPermanent();
    }

    private static boolean isDeadMailbox(SmtpReply reply) {
        if (reply.phase() != SmtpPhase.RCPT_TO && reply.phase() != SmtpPhase.DATA) {
            return false;
        }
        return reply.status()
                .map(s -> s.subject() == 1 && !SENDER_ADDRESS_DETAILS.contains(s.detail()))
                .orElse(reply.phase() == SmtpPhase.RCPT_TO && reply.code() == 550);
    }

    /** Angus's text when the relay hung up instead of answering: "[EOF]", or nothing at all. */
    private static boolean isLostConnection(String message) {
        return message.isBlank() || message.equals("null") || message.contains("[EOF]");
    }

    private static SendOutcome credentialRejected(String words) {
        return new SendOutcome.Throttled(CREDENTIAL_PAUSE, "credential rejected: " + words);
    }

    /** The relay's reply carried by the failure, if it carries one. */
    static Optional<SmtpReply> reply(MessagingException failure) {
        for (Exception e = failure; e != null; e = e instanceof MessagingException m ? m.getNextException() : null) {
            switch (e) {
                case SMTPAddressFailedException a -> {
                    return Optional.of(SmtpReply.parse(SmtpPhase.RCPT_TO, a.getReturnCode(), text(a)));
                }
                case SMTPSenderFailedException s -> {
                    return Optional.of(SmtpReply.parse(SmtpPhase.MAIL_FROM, s.getReturnCode(), text(s)));
                }
                case SMTPSendFailedException s -> {
                    return Optional.of(SmtpReply.parse(SmtpPhase.ofCommand(String.valueOf(s.getCommand())),
                            s.getReturnCode(), text(s)));
                }
                case AuthenticationFailedException a -> {
                    return Optional.of(SmtpReply.parse(SmtpPhase.AUTH, -1, text(a)));
                }
                default -> {
                    // keep walking the chain
                }
            }
        }
        return Optional.empty();
    }

    private static SendOutcome fromConnectionFailure(MessagingException failure, Optional<SmtpReply> reply) {
        Optional<IOException> io = ioCause(failure);
        if (io.isEmpty()) {
            String what = reply.map(SmtpReply::describe).orElse(String.valueOf(failure.getMessage()));
            return SendOutcome.Retry.of("connection lost: " + what);
        }
        return switch (io.get()) {
            case SocketTimeoutException t -> SendOutcome.Retry.of("relay did not answer in time: " + t.getMessage());
            case InterruptedIOException t -> SendOutcome.Retry.of("relay did not answer in time: " + t.getMessage());
            case ConnectException c -> SendOutcome.Retry.of("could not connect to the relay: " + c.getMessage());
            case UnknownHostException u -> SendOutcome.Retry.of("relay host not found: " + u.getMessage());
            case SSLException tls -> SendOutcome.Retry.of("TLS with the relay failed: " + tls.getMessage());
            case IOException other -> SendOutcome.Retry.of("connection to the relay failed: " + other);
        };
    }

    /** The first I/O exception in the failure's chain (Angus chains them as next exception or cause). */
    private static Optional<IOException> ioCause(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++) {
            if (t instanceof IOException io) {
                return Optional.of(io);
            }
            Throwable next = t instanceof MessagingException m && m.getNextException() != null
                    ? m.getNextException() : t.getCause();
            t = next == t ? null : next;
        }
        return Optional.empty();
    }

    private static String text(MessagingException e) {
        return e.getMessage() == null ? "" : e.getMessage();
    }
}
