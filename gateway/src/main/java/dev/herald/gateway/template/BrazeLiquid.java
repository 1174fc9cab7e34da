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
    private static final Pattern TAG = Pattern.compile("\\{\\{.*?}}|\\{%.*?%}", Pattern.DOTALL);
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
        Matcher tags = TAG.matcher(template);
        StringBuilder out = new StringBuilder(template.length());
        while (tags.find()) {
            tags.appendReplacement(out, Matcher.quoteReplacement(rewriteTag(tags.group())));
        }
        tags.appendTail(out);
        return out.toString();
    }

    private static String rewriteTag(String tag) {
        String rewritten = references(tag);
        if (rewritten.startsWith("{%") && rewritten.contains("blank")) {
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
