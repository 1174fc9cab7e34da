package dev.herald.channel.smtp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Derives the text/plain alternative of an HTML email: drops comments, {@code head}, scripts and styles;
 * turns block elements and {@code <br>} into line breaks and list items into "- " lines; keeps a link's
 * target as {@code text (url)}; decodes common entities; collapses whitespace outside {@code <pre>}.
 * Small on purpose: email HTML is simple, and a plain-text part only has to be readable.
 */
final class HtmlToText {
    private static final Pattern INVISIBLE = Pattern.compile(
            "<!--.*?-->|<(script|style|head|title|template)\\b[^>]*>.*?</\\1\\s*>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** A start or end tag (quoted attribute values may hold '>'), or a declaration such as DOCTYPE. */
    private static final Pattern TAG = Pattern.compile(
            "<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>|<![^>]*>");
    private static final Pattern HREF = Pattern.compile(
            "\\bhref\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s>]+))", Pattern.CASE_INSENSITIVE);
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
    private static final Pattern BLANK_LINES = Pattern.compile("\n{3,}");

    private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
            "table", "blockquote", "pre", "hr", "dl");
    private static final Set<String> LINES = Set.of("div", "tr", "li", "dt", "dd", "section", "article", "header",
            "footer", "main", "nav", "aside", "center", "address", "figure", "figcaption", "form", "body", "caption");
    private static final Set<String> CELLS = Set.of("td", "th");
    private static final Map<String, String> ENTITIES = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
            Map.entry("apos", "'"), Map.entry("nbsp", " "), Map.entry("zwnj", ""), Map.entry("zwj", ""),
            Map.entry("shy", ""), Map.entry("copy", "©"), Map.entry("reg", "®"), Map.entry("trade", "™"),
            Map.entry("mdash", "—"), Map.entry("ndash", "–"), Map.entry("hellip", "…"), Map.entry("lsquo", "‘"),
            Map.entry("rsquo", "’"), Map.entry("ldquo", "“"), Map.entry("rdquo", "”"), Map.entry("laquo", "«"),
            Map.entry("raquo", "»"), Map.entry("bull", "•"), Map.entry("middot", "·"), Map.entry("euro", "€"),
            Map.entry("pound", "£"), Map.entry("yen", "¥"), Map.entry("cent", "¢"), Map.entry("times", "×"),
            Map.entry("divide", "÷"), Map.entry("deg", "°"), Map.entry("para", "¶"), Map.entry("sect", "§"));

    private final StringBuilder out = new StringBuilder();
    private final Deque<OpenLink> links = new ArrayDeque<>();
    private int preDepth;

    private HtmlToText() {
    }

    /** The readable text of {@code html}. */
    static String convert(String html) {
        HtmlToText converter = new HtmlToText();
        converter.walk(INVISIBLE.matcher(html).replaceAll(""));
        return converter.finish();
    }

    private void walk(String html) {
        Matcher tag = TAG.matcher(html);
        int at = 0;
        while (tag.find()) {
            text(html.substring(at, tag.start()));
            if (tag.group(2) != null) {
                element(tag.group(2).toLowerCase(Locale.ROOT), !tag.group(1).isEmpty(), tag.group(3));
            }
            at = tag.end();
        }
        text(html.substring(at));
    }

    private void element(String name, boolean closing, String attributes) {
        switch (name) {
            case "br" -> out.append('\n');
            case "a" -> link(closing, attributes);
            case "li" -> {
                lineBreak();
                if (!closing) {
                    out.append("- ");
                }
            }
            case "pre" -> {
                paragraphBreak();
                preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
            }
            default -> {
                if (PARAGRAPHS.contains(name)) {
                    paragraphBreak();
                } else if (LINES.contains(name)) {
                    lineBreak();
                } else if (CELLS.contains(name) && closing) {
                    space();
                }
            }
        }
    }

    private void link(boolean closing, String attributes) {
        if (!closing) {
            Matcher href = HREF.matcher(attributes);
            String target = href.find() ? firstNonNull(href.group(1), href.group(2), href.group(3)) : "";
            links.push(new OpenLink(decode(target).strip(), out.length()));
            return;
        }
        OpenLink open = links.poll();
        if (open == null || !isShownTarget(open.href())) {
            return;
        }
        String label = out.substring(Math.min(open.start(), out.length())).strip();
        String bare = open.href().replaceFirst("(?i)^mailto:", "");
        if (label.isEmpty()) {
            out.append(open.href());
        } else if (!label.equals(open.href()) && !label.equals(bare)) {
            out.append(" (").append(open.href()).append(')');
        }
    }

    private static boolean isShownTarget(String href) {
        String h = href.toLowerCase(Locale.ROOT);
        return h.startsWith("http://") || h.startsWith("https://") || h.startsWith("mailto:") || h.startsWith("tel:");
    }

    private void text(String raw) {
        if (raw.isEmpty()) {
            return;
        }
        String decoded = decode(raw);
        if (preDepth > 0) {
            out.append(decoded);
            return;
        }
        String collapsed = decoded.replaceAll("\\s+", " ");
        if (collapsed.startsWith(" ") && (out.isEmpty() || endsWithWhitespace())) {
            collapsed = collapsed.substring(1);
        }
        out.append(collapsed);
    }

    private void space() {
        if (!out.isEmpty() && !endsWithWhitespace()) {
            out.append(' ');
        }
    }

    private void lineBreak() {
        trimTrailingSpaces();
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
    }

    private void paragraphBreak() {
        lineBreak();
        if (!out.isEmpty() && !(out.length() >= 2 && out.charAt(out.length() - 2) == '\n')) {
            out.append('\n');
        }
    }

    private boolean endsWithWhitespace() {
        return Character.isWhitespace(out.charAt(out.length() - 1));
    }

    private void trimTrailingSpaces() {
        while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
        }
    }

    private String finish() {
        StringBuilder lines = new StringBuilder(out.length());
        for (String line : out.toString().split("\n", -1)) {
            lines.append(line.stripTrailing()).append('\n');
        }
        return BLANK_LINES.matcher(lines).replaceAll("\n\n").strip();
    }

    /** Decodes named entities from a common set, and every numeric one; unknown names stay as written. */
    static String decode(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder b = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(entity(m.group(1)).orElse(m.group())));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static Optional<String> entity(String name) {
        if (!name.startsWith("#")) {
            return Optional.ofNullable(ENTITIES.get(name.toLowerCase(Locale.ROOT)));
        }
        boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
        int codePoint = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
        boolean valid = codePoint > 0 && codePoint <= Character.MAX_CODE_POINT
                && !(codePoint >= 0xD800 && codePoint <= 0xDFFF);
        return Optional.of(valid ? Character.toString(codePoint) : "\uFFFD");
    }

    private static String firstNonNull(@Nullable String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return "";
    }

    private record OpenLink(String href, int start) {
    }
}
