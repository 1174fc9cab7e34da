package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.herald.channel.DeliveryRef;
import dev.herald.channel.EmailMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.Sender;
import dev.herald.channel.testkit.SenderContract;
import dev.herald.testkit.MutableClock;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The happy path against GreenMail: what a mailbox receives. */
final class SmtpSenderTest extends SenderContract<EmailMessage> {
    private static final ExecutorService VIRTUAL_THREADS = Executors.newVirtualThreadPerTaskExecutor();
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @RegisterExtension
    static final GreenMailExtension GREEN_MAIL = new GreenMailExtension(
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());

    private SmtpSender sender;

    @BeforeEach
    void start() {
        sender = newSender();
    }

    @AfterEach
    void stop() {
        sender.close();
    }

    @AfterAll
    static void stopExecutor() {
        VIRTUAL_THREADS.close();
    }

    @Override
    protected SmtpSender newSender() {
        return SmtpSender.create(Emails.relay(GREEN_MAIL.getSmtp().getPort(), 2), VIRTUAL_THREADS,
                new MutableClock(NOW));
    }

    @Override
    protected EmailMessage acceptableMessage() {
        return Emails.html("jane@example.test");
    }

    private SendOutcome send(Sender<EmailMessage> s, EmailMessage m) throws Exception {
        return s.send(m).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private MimeMessage onlyReceived() {
        assertTrue(GREEN_MAIL.waitForIncomingEmail(5_000, 1));
        MimeMessage[] all = GREEN_MAIL.getReceivedMessages();
        assertEquals(1, all.length);
        return all[0];
    }

    @Test
    void deliversHeadersAndBothPartsAsTheMailboxSeesThem() throws Exception {
        UUID id = UUID.fromString("0b7e9d7c-3c1f-4b8e-9a49-5d1c6f0a2e11");
        EmailMessage m = new EmailMessage(new DeliveryRef(id, 2), "Äcme Störe <no-reply@acme.test>",
                "jane@example.test", Optional.of("Support <help@acme.test>"), "Grüße – your order ✓",
                Optional.of("<html><body><h1>Order</h1><p>Thanks, Jane!</p></body></html>"),
                Optional.of("Thanks, Jane! (plain)"), Optional.of("Your order shipped"),
                Map.of("X-Campaign", "spring-sale", "List-Unsubscribe", "<mailto:unsub@acme.test>"));

        var accepted = assertInstanceOf(SendOutcome.Accepted.class, send(sender, m));

        String messageId = "<0b7e9d7c-3c1f-4b8e-9a49-5d1c6f0a2e11@acme.test>";
        assertEquals(Optional.of(messageId), accepted.providerMessageId());
        assertFalse(accepted.finalHop());
        MimeMessage got = onlyReceived();
        assertEquals(messageId, got.getMessageID());
        InternetAddress from = (InternetAddress) got.getFrom()[0];
        assertEquals("no-reply@acme.test", from.getAddress());
        assertEquals("Äcme Störe", from.getPersonal());
        assertEquals("jane@example.test", ((InternetAddress) got.getAllRecipients()[0]).getAddress());
        assertEquals("help@acme.test", ((InternetAddress) got.getReplyTo()[0]).getAddress());
        assertEquals("Grüße – your order ✓", got.getSubject());
        assertTrue(got.getHeader("Subject")[0].startsWith("=?UTF-8?"), "non-ASCII subject travels as encoded words");
        assertEquals(Date.from(NOW), got.getSentDate());
        assertEquals("spring-sale", got.getHeader("X-Campaign", null));
        assertEquals("<mailto:unsub@acme.test>", got.getHeader("List-Unsubscribe", null));

        MimeMultipart alternative = (MimeMultipart) got.getContent();
        assertTrue(got.isMimeType("multipart/alternative"));
        assertEquals(2, alternative.getCount());
        BodyPart plain = alternative.getBodyPart(0);
        BodyPart html = alternative.getBodyPart(1);
        assertTrue(plain.isMimeType("text/plain") && plain.getContentType().toLowerCase(Locale.ROOT).contains("utf-8"));
        assertEquals("Thanks, Jane! (plain)", ((String) plain.getContent()).strip());
        assertTrue(html.isMimeType("text/html"));
        String htmlBody = (String) html.getContent();
        assertTrue(htmlBody.startsWith("<html><body><div style=\"display:none;"), htmlBody);
        assertTrue(htmlBody.contains(">Your order shipped</div><h1>Order</h1>"), htmlBody);
    }

    @Test
    void derivesThePlainTextPartFromHtmlWhenNoTextIsGiven() throws Exception {
        EmailMessage m = new EmailMessage(new DeliveryRef(UUID.randomUUID(), 1), Emails.FROM, "jane@example.test",
                Optional.empty(), "Hi", Optional.of("<style>p{color:red}</style><p>Hello &amp; welcome</p>"
                        + "<p><a href=\"https://acme.test/start\">Get started</a></p>"),
                Optional.empty(), Optional.of("hidden preview"), Map.of());

        assertInstanceOf(SendOutcome.Accepted.class, send(sender, m));

        MimeMultipart alternative = (MimeMultipart) onlyReceived().getContent();
        String plain = ((String) alternative.getBodyPart(0).getContent()).strip().replace("\r\n", "\n");
        assertEquals("Hello & welcome\n\nGet started (https://acme.test/start)", plain);
    }

    @Test
    void sendsATextOnlyMessageAsASinglePart() throws Exception {
        EmailMessage m = new EmailMessage(new DeliveryRef(UUID.randomUUID(), 1), Emails.FROM, "jane@example.test",
                Optional.empty(), "Plain", Optional.empty(), Optional.of("Just text, ünïcode too."),
                Optional.of("ignored without HTML"), Map.of());

        assertInstanceOf(SendOutcome.Accepted.class, send(sender, m));

        MimeMessage got = onlyReceived();
        assertTrue(got.isMimeType("text/plain"));
        assertEquals("Just text, ünïcode too.", ((String) got.getContent()).strip());
    }

    @Test
    void keepsTheMessageIdStableAcrossAttemptsOfOneDelivery() throws Exception {
        UUID id = UUID.randomUUID();
        EmailMessage first = Emails.html("jane@example.test");
        EmailMessage retry = new EmailMessage(new DeliveryRef(id, 3), first.from(), first.to(), first.replyTo(),
                first.subject(), first.html(), first.text(), first.preheader(), first.headers());
        EmailMessage again = new EmailMessage(new DeliveryRef(id, 4), first.from(), first.to(), first.replyTo(),
                first.subject(), first.html(), first.text(), first.preheader(), first.headers());

        send(sender, retry);
        send(sender, again);

        assertTrue(GREEN_MAIL.waitForIncomingEmail(5_000, 2));
        MimeMessage[] got = GREEN_MAIL.getReceivedMessages();
        assertEquals("<" + id + "@acme.test>", got[0].getMessageID());
        assertEquals(got[0].getMessageID(), got[1].getMessageID());
    }

    @Test
    void dropsHeadersTheMessageOwnsOrThatCouldInjectOthers() throws Exception {
        EmailMessage m = new EmailMessage(new DeliveryRef(UUID.randomUUID(), 1), Emails.FROM, "jane@example.test",
                Optional.empty(), "Hi", Optional.empty(), Optional.of("Body"), Optional.empty(),
                Map.of("Message-ID", "<forged@evil.test>", "From", "evil@evil.test", "Content-Type", "text/html",
                        "X-Injected", "a\r\nBcc: victim@evil.test", "Bad Name", "x", "X-Ok", "Prüfung"));

        assertInstanceOf(SendOutcome.Accepted.class, send(sender, m));

        MimeMessage got = onlyReceived();
        assertTrue(got.getMessageID().endsWith("@acme.test>"));
        assertEquals(1, got.getFrom().length);
        assertEquals("no-reply@acme.test", ((InternetAddress) got.getFrom()[0]).getAddress());
        assertTrue(got.isMimeType("text/plain"));
        assertNull(got.getHeader("X-Injected"));
        assertNull(got.getHeader("Bcc"));
        assertNull(got.getHeader("Bad Name"));
        assertEquals("Prüfung", MimeUtility.decodeText(got.getHeader("X-Ok", null)));
    }

    @Test
    void failsAnUnparsableFromWithoutContactingTheRelay() throws Exception {
        var failed = assertInstanceOf(SendOutcome.Failed.class,
                send(sender, Emails.withFrom("Acme <not an address", "jane@example.test")));
        assertTrue(failed.reason().startsWith("unusable from address"), failed.reason());
        assertEquals(0, GREEN_MAIL.getReceivedMessages().length);
    }

    @Test
    void reportsAMalformedRecipientAsAnInvalidAddress() throws Exception {
        assertInstanceOf(SendOutcome.AddressInvalid.class, send(sender, Emails.html("jane.example.test")));
        assertInstanceOf(SendOutcome.Failed.class, send(sender, Emails.html("jäne@example.test")),
                "an address we cannot encode is our limitation, not a dead mailbox");
    }
}
