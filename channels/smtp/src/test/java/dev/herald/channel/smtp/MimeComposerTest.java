package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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

    @Test
    void putsAnEscapedPreheaderFirstWhenTheHtmlHasNoBodyTag() {
        String html = HiddenPreheader.insert("<p>Hi</p>", "Save 10% <today> & \"more\"");

        assertTrue(html.startsWith("<div style=\"" + HiddenPreheader.STYLE + "\">"), html);
        assertTrue(html.endsWith(">Save 10% &lt;today&gt; &amp; &quot;more&quot;</div><p>Hi</p>"), html);
        assertEquals("<p>Hi</p>", HiddenPreheader.insert("<p>Hi</p>", "  "));
    }
}
