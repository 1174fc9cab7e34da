package dev.herald.gateway.template;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How deeply a template's block tags nest, counted from the tag names alone, before Liqp parses it: Liqp's parser
 * recurses once per level, so 1,500 nested {@code if}s overflow the stack, while real templates nest a few levels.
 * Counts tags inside {@code raw} and {@code comment} too, so it can only overestimate.
 */
final class NestingDepth {
    /** Deeper templates are refused. */
    static final int MAX = 100;

    private static final Pattern TAG_NAME = Pattern.compile("\\{%-?\\s*(\\w+)");
    private static final Set<String> BLOCKS = Set.of("if", "unless", "case", "for", "tablerow", "capture",
            "comment", "raw", "ifchanged");

    private NestingDepth() {
    }

    /** Why {@code source} nests too deeply, if it does. */
    static Optional<String> tooDeep(String source) {
        return of(source) > MAX ? Optional.of("Liquid nesting deeper than " + MAX + " levels")
                : Optional.empty();
    }

    /** The deepest nesting of block tags in {@code source}. */
    static int of(String source) {
        Matcher tag = TAG_NAME.matcher(source);
        int depth = 0;
        int deepest = 0;
        while (tag.find()) {
            String name = tag.group(1);
            if (BLOCKS.contains(name)) {
                deepest = Math.max(deepest, ++depth);
            } else if (name.startsWith("end")) {
                depth = Math.max(0, depth - 1);
            }
        }
        return deepest;
    }
}
