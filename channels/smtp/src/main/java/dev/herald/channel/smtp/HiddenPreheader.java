package dev.herald.channel.smtp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts preview text at the start of an HTML body, hidden from the rendered message: mail clients show the
 * first text of the body next to the subject, so this is where a preheader goes.
 */
final class HiddenPreheader {
    private static final Pattern BODY_START = Pattern.compile("<body\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    /** The usual belt and braces: each client honours a different subset of these. */
    static final String STYLE = "display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;"
            + "opacity:0;overflow:hidden;mso-hide:all;color:transparent";

    private HiddenPreheader() {
    }

    /** {@code html} with {@code preheader} as a hidden first element of its body. */
    static String insert(String html, String preheader) {
        if (preheader.isBlank()) {
            return html;
        }
        String element = "<div style=\"" + STYLE + "\">" + escape(preheader.strip()) + "</div>";
        Matcher body = BODY_START.matcher(html);
        if (body.find()) {
            return html.substring(0, body.end()) + element + html.substring(body.end());
        }
        return element + html;
    }

    private static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
