package dev.herald.gateway.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites Braze's attribute references into plain Liquid before Liqp parses a template (Liqp's lexer rejects
 * {@code $}). Inside {@code {{ }}} and {@code {% %}} only: {@code ${first_name}} becomes {@code first_name},
 * {@code custom_attribute.${tier}} becomes {@code custom_attribute.tier}, and a name that is not a Liquid
 * identifier ({@code custom_attribute.${loyalty tier}}) becomes a bracket lookup
 * ({@code custom_attribute['loyalty tier']}). In tags, {@code x == blank} also matches a missing {@code x}, as
 * in Braze. Text outside tags is left alone.
 */
final class BrazeLiquid {
    private static final Pattern REFERENCE = Pattern.compile("(\\.)?\\$\\{([^}]*)}");
    private static final Pattern EQUALS_BLANK = Pattern.compile("([A-Za-z_][\\w.\\[\\]'-]*)\\s*==\\s*blank\\b");
    private static final Pattern NOT_BLANK = Pattern.compile("([A-Za-z_][\\w.\\[\\]'-]*)\\s*!=\\s*blank\\b");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private BrazeLiquid() {
    }

    static String rewrite(String template) {
        if (template.indexOf('$') < 0 && !template.contains("blank")) {
            return template;
        }
        // A scan with indexOf, not a lazy regex: an unclosed "{{" then costs one search, not one per opening, so a
        // 256 KiB template of unclosed tags is linear work at ingress.
        StringBuilder out = new StringBuilder(template.length());
        int from = 0;
        while (from < template.length()) {
            int open = nextOpening(template, from);
            if (open < 0) {
                break;
            }
            String close = template.startsWith("{{", open) ? "}}" : "%}";
            int end = template.indexOf(close, open + 2);
            if (end < 0) {
                break; // unclosed: left as it is, for the parser to report
            }
            end += 2;
            out.append(template, from, open).append(rewriteTag(template.substring(open, end)));
            from = end;
        }
        return out.append(template, from, template.length()).toString();
    }

    private static int nextOpening(String template, int from) {
        int tag = template.indexOf("{%", from);
        int output = template.indexOf("{{", from);
        return tag < 0 ? output : output < 0 ? tag : Math.min(tag, output);
    }

    private static String rewriteTag(String tag) {
        String rewritten = references(tag);
        // (Bounded: the identifier pattern backtracks, quadratic in a tag's length; no real condition is this long.)
        if (rewritten.startsWith("{%") && rewritten.length() <= 4096 && rewritten.contains("blank")) {
            // Liqp's "blank" does not match a missing value; Liquid's (and Braze's) does.
            rewritten = EQUALS_BLANK.matcher(rewritten).replaceAll("$1 == nil or $1 == empty");
            rewritten = NOT_BLANK.matcher(rewritten).replaceAll("$1 != nil and $1 != empty");
        }
        return rewritten;
    }

    private static String references(String tag) {
        Matcher m = REFERENCE.matcher(tag);
        StringBuilder out = new StringBuilder(tag.length());
        while (m.find()) {
            boolean dotted = m.group(1) != null;
            String name = m.group(2).trim();
            String replacement;
            if (IDENTIFIER.matcher(name).matches()) {
                replacement = (dotted ? "." : "") + name;
            } else {
                String quoted = "'" + name.replace("'", "") + "'";
                replacement = dotted ? "[" + quoted + "]" : quoted;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
