package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.SendOutcome;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class SmtpOutcomesTest {

    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            AUTH      | 535 5.7.8 Authentication credentials invalid  | Throttled
            AUTH      | 534 5.7.9 Authentication mechanism too weak   | Throttled
            AUTH      | 454 4.7.0 Temporary authentication failure    | Retry
            MAIL_FROM | 530 5.7.0 Authentication required             | Throttled
            MAIL_FROM | 421 4.7.0 Try again later, closing connection | Retry
            MAIL_FROM | 451 4.3.2 System not accepting messages       | Retry
            MAIL_FROM | 550 5.1.1 Sender address rejected            | Failed
            MAIL_FROM | 553 5.1.8 Sender domain does not exist        | Failed
            RCPT_TO   | 450 4.2.0 Mailbox busy                        | Retry
            RCPT_TO   | 452 4.5.3 Too many recipients                 | Retry
            RCPT_TO   | 552 5.2.2 Mailbox full                        | Retry
            RCPT_TO   | 552 Requested mail action aborted             | Retry
            RCPT_TO   | 550 5.1.1 User unknown                        | AddressInvalid
            RCPT_TO   | 550 Mailbox unavailable                       | AddressInvalid
            RCPT_TO   | 551 5.1.6 User has moved                      | AddressInvalid
            RCPT_TO   | 553 5.1.3 Bad destination address syntax      | AddressInvalid
            RCPT_TO   | 550 5.1.10 Recipient domain has null MX       | AddressInvalid
            RCPT_TO   | 550 5.7.1 Relaying denied                     | Failed
            RCPT_TO   | 554 5.7.1 Client host blocked                 | Failed
            RCPT_TO   | 550 5.2.1 Mailbox disabled                    | Failed
            RCPT_TO   | 553 Mailbox name not allowed                  | Failed
            RCPT_TO   | 503 5.5.1 Bad sequence of commands            | Failed
            DATA      | 451 4.3.0 Local error in processing           | Retry
            DATA      | 554 5.7.1 Message rejected as spam            | Failed
            DATA      | 552 5.3.4 Message size exceeds fixed limit    | Failed
            DATA      | 550 5.1.1 Recipient rejected after data       | AddressInvalid
            DATA      | 550 Rejected                                  | Failed
            """)
    void mapsEachReplyByPhaseCodeAndEnhancedStatus(SmtpPhase phase, String reply, String expected) {
        SendOutcome outcome = SmtpOutcomes.fromReply(SmtpReply.parse(phase, -1, reply));
        assertEquals(expected, outcome.getClass().getSimpleName(), outcome.describe());
    }

    @Test
    void aRefusedLoginIsACredentialProblemThatPausesTheRelay() {
        var throttled = assertInstanceOf(SendOutcome.Throttled.class,
                SmtpOutcomes.fromFailure(new AuthenticationFailedException("535 5.7.8 Bad credentials\n")));
        assertEquals(Duration.ofMinutes(5), throttled.retryAfter());
        assertEquals("credential rejected: 535 5.7.8 Bad credentials (after AUTH)", throttled.reason());
        assertInstanceOf(SendOutcome.Throttled.class, SmtpOutcomes.fromFailure(new AuthenticationFailedException(
                "No authentication mechanisms supported by both server and client")));
        assertInstanceOf(SendOutcome.Retry.class, SmtpOutcomes.fromFailure(new AuthenticationFailedException("[EOF]")),
                "a relay that hangs up during AUTH has not judged the credential");
    }

    @Test
    void findsTheRecipientReplyInsideAngusExceptionChain() throws Exception {
        var rcpt = new SMTPAddressFailedException(new InternetAddress("jane@example.test"),
                "RCPT TO:<jane@example.test>", 550, "550-5.1.1 The account does not exist.\n550 5.1.1 Check it.\n");
        var failure = new SendFailedException("Invalid Addresses", rcpt);

        var invalid = assertInstanceOf(SendOutcome.AddressInvalid.class, SmtpOutcomes.fromFailure(failure));

        assertEquals("550 5.1.1 The account does not exist. Check it. (after RCPT TO)", invalid.reason());
        assertTrue(SmtpOutcomes.leavesConnectionUsable(failure));
    }

    @Test
    void aMissingReplyOrAnIoFailureIsRetriedOnANewConnection() {
        var eof = new SMTPSendFailedException(".", -1, "[EOF]", null, null, new Address[0], null);
        var timeout = new MessagingException("Exception reading response",
                new SocketTimeoutException("Read timed out"));
        var refused = new MessagingException("Could not connect", new ConnectException("Connection refused"));
        var closing = new SMTPSendFailedException("MAIL FROM:<a@b.test>", 421, "421 4.4.2 bye\n", null, null,
                null, null);

        assertTrue(reason(eof).startsWith("connection lost: no reply [EOF] (after DATA)"), reason(eof));
        assertTrue(reason(timeout).startsWith("relay did not answer in time"), reason(timeout));
        assertTrue(reason(refused).startsWith("could not connect to the relay"), reason(refused));
        assertTrue(reason(closing).startsWith("relay is closing the connection: 421 4.4.2 bye"), reason(closing));
        for (MessagingException e : new MessagingException[] {eof, timeout, refused, closing}) {
            assertFalse(SmtpOutcomes.leavesConnectionUsable(e), e.toString());
        }
    }

    @Test
    void requiredStartTlsThatIsNotOfferedPausesTheRelay() {
        var e = new MessagingException("STARTTLS is required but host does not support STARTTLS");
        var throttled = assertInstanceOf(SendOutcome.Throttled.class, SmtpOutcomes.fromFailure(e));
        assertEquals(SmtpOutcomes.CREDENTIAL_PAUSE, throttled.retryAfter());
    }

    @Test
    void acceptedCarriesTheMessageIdAndTheRelaysFinalHopFlag() {
        assertEquals(new SendOutcome.Accepted(Optional.of("<id@acme.test>"), true),
                SmtpOutcomes.accepted("<id@acme.test>", true));
    }

    @Test
    void parsesEnhancedStatusOnlyAtTheStartOfTheText() {
        SmtpReply withStatus = SmtpReply.parse(SmtpPhase.RCPT_TO, 550, "550 5.7.1 <jane@x.test>: denied\r\n");
        SmtpReply without = SmtpReply.parse(SmtpPhase.RCPT_TO, 550, "550 see RFC 5.1.1 for details\r\n");

        assertEquals(Optional.of(new EnhancedStatus(5, 7, 1)), withStatus.status());
        assertEquals("<jane@x.test>: denied", withStatus.text());
        assertEquals(Optional.empty(), without.status());
        assertEquals("see RFC 5.1.1 for details", without.text());
    }

    private static String reason(MessagingException e) {
        return assertInstanceOf(SendOutcome.Retry.class, SmtpOutcomes.fromFailure(e)).reason();
    }
}
