package dev.herald.channel.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

final class HtmlToTextTest {

    @Test
    void turnsBlocksAndBreaksIntoLinesAndCollapsesWhitespace() {
        String html = "<h1>Your   order</h1>\n<p>Line one<br>line\n   two</p><div>Next</div><div>Last</div>";
        assertEquals("Your order\n\nLine one\nline two\n\nNext\nLast", HtmlToText.convert(html));
    }

    @Test
    void dropsHeadScriptsStylesAndComments() {
        String html = "<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body>"
                + "<!--[if mso]><p>outlook only</p><![endif]--><script>alert('x')</script><p>Visible</p></body></html>";
        assertEquals("Visible", HtmlToText.convert(html));
    }

    @Test
    void keepsLinkTargetsNextToTheirText() {
        String html = "<p><a href=\"https://acme.test/a?x=1&amp;y=2\">Track it</a>, "
                + "<a href='https://acme.test/b'>https://acme.test/b</a>, "
                + "<a href=\"mailto:help@acme.test\">help@acme.test</a>, <a href=\"#top\">top</a>, "
                + "<a href=https://acme.test/logo><img src=\"logo.png\"></a></p>";
        assertEquals("Track it (https://acme.test/a?x=1&y=2), https://acme.test/b, help@acme.test, top, "
                + "https://acme.test/logo", HtmlToText.convert(html));
    }

    @Test
    void rendersListItemsAndTableCells() {
        String html = "<ul><li>One</li><li>Two</li></ul><table><tr><td>Total</td><td>$5</td></tr>"
                + "<tr><td>Tax</td><td>$1</td></tr></table>";
        assertEquals("- One\n- Two\n\nTotal $5\nTax $1", HtmlToText.convert(html));
    }

    @Test
    void decodesNamedNumericAndHexEntitiesAndKeepsUnknownOnes() {
        String html = "<p>Fish &amp; chips&nbsp;&mdash; &#8364;5 &#x263A; &copy; &bogus; a &lt; b</p>";
        assertEquals("Fish & chips — €5 ☺ © &bogus; a < b", HtmlToText.convert(html));
    }

    @Test
    void preservesPreformattedTextAndStrayAngleBrackets() {
        assertEquals("code:\n\n  x = 1\n  y = 2\n\n3 < 4 > 2",
                HtmlToText.convert("code:<pre>  x = 1\n  y = 2</pre>3 < 4 > 2"));
    }
}
