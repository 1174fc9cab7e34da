package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.EmailMessage;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class MimeComposerTest {

    @Test
    void parsesDisplayNamesIncludingQuotedCommas() throws Exception {
        InternetAddress quoted = MimeComposer.single("\"Acme, Inc.\" <no-reply@acme.test>");
        InternetAddress bare = MimeComposer.single(" no-reply@acme.test ");

        assertEquals("Acme, Inc.", quoted.getPersonal());
        assertEquals("no-reply@acme.test", quoted.getAddress());
        assertEquals("no-reply@acme.test", bare.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "no-reply", "Acme <no-reply@acme.test", "a@acme.test, b@acme.test", "a@@acme.test",
            "a b@acme.test"})
    void refusesAnythingButOneCompleteAddress(String text) {
        assertThrows(AddressException.class, () -> MimeComposer.single(text));
    }

    /** The transfer encoding Jakarta Mail itself picks for this body (set on a part, the message saved). */
    private static String encodingJakartaMailPicks(String content, String subtype) throws Exception {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(content, "UTF-8", subtype);
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setContent(new MimeMultipart(part));
        m.saveChanges();
        return part.getEncoding();
    }

    private static EmailMessage email(Optional<String> html, Optional<String> text) {
        return new EmailMessage(new DeliveryRef(UUID.randomUUID(), 1), Emails.FROM, "ada@example.test",
                Optional.empty(), "Hello", html, text, Optional.empty(), Map.of());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"Your order shipped.|7bit", "Votre commande est expédiée.|quoted-printable",
            "ご注文の商品を発送しました|base64", "a line longer than SMTP allows: |quoted-printable"})
    void eachBodyGetsTheTransferEncodingJakartaMailWouldPickAndEqualBodiesReuseIt(String base, String expected)
            throws Exception {
        String text = base.startsWith("a line") ? base + "x".repeat(1200) : base;
        var composer = new MimeComposer(Session.getInstance(new Properties()), Clock.systemUTC());
        for (int i = 0; i < 2; i++) { // the second of each is worked out from the remembered body
            MimeMessage plainOnly = composer.compose(email(Optional.empty(), Optional.of(text))).message();
            assertEquals(expected, plainOnly.getEncoding());
            assertEquals(encodingJakartaMailPicks(text, "plain"), plainOnly.getEncoding());
            assertEquals(text, plainOnly.getContent());

            String html = "<p>" + text + "</p>";
            MimeMessage both = composer.compose(email(Optional.of(html), Optional.empty())).message();
            var parts = (MimeMultipart) both.getContent();
            var plain = (MimeBodyPart) parts.getBodyPart(0);
            var rich = (MimeBodyPart) parts.getBodyPart(1);
            assertEquals(encodingJakartaMailPicks((String) plain.getContent(), "plain"), plain.getEncoding());
            assertEquals(encodingJakartaMailPicks(html, "html"), rich.getEncoding());
            assertEquals(html, rich.getContent());

            var out = new ByteArrayOutputStream();
            both.writeTo(out);
            MimeMessage read = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(out.toByteArray()));
            assertEquals(html, ((MimeMultipart) read.getContent()).getBodyPart(1).getContent(), "as sent");
        }
    }

    @Test
    void putsAnEscapedPreheaderFirstWhenTheHtmlHasNoBodyTag() {
        String html = HiddenPreheader.insert("<p>Hi</p>", "Save 10% <today> & \"more\"");

        assertTrue(html.startsWith("<div style=\"" + HiddenPreheader.STYLE + "\">"), html);
        assertTrue(html.endsWith(">Save 10% &lt;today&gt; &amp; &quot;more&quot;</div><p>Hi</p>"), html);
        assertEquals("<p>Hi</p>", HiddenPreheader.insert("<p>Hi</p>", "  "));
    }
}
