package dev.herald.gateway.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Braze's Content Block includes: {@code {{content_blocks.${name}}}} (optionally with a filter such as
 * {@code | id: 'cb1'}, which Braze uses for tracking and Herald ignores) is replaced by the block's content, whose
 * own includes are replaced in turn. The result is plain Liquid, rendered like any other field.
 *
 * <p>Bounded, because blocks are data callers write: at most {@value #MAX_DEPTH} levels of nesting, a block that
 * includes itself (directly or through others) is refused, and the expanded text may not pass the template size
 * limit (a block included a hundred times by a block included a hundred times would otherwise grow without end).
 */
public final class ContentBlockIncludes {
    /** The deepest chain of blocks including blocks. */
    public static final int MAX_DEPTH = 10;

    private static final Pattern INCLUDE = Pattern.compile(
            "\\{\\{\\s*content_blocks\\.\\$\\{\\s*([^}]*?)\\s*}\\s*(?:\\|[^}]*)?}}");

    /** Where block contents come from (the journal, for one workspace). */
    @FunctionalInterface
    public interface Source<E extends Exception> {
        /** The content of the block named {@code name}, if the workspace has one. */
        Optional<String> content(String name) throws E;
    }

    /** A reference that cannot be expanded: an unknown block, a cycle, nesting too deep, text too large. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private ContentBlockIncludes() {
    }

    /** Whether {@code text} includes any block (cheap: most fields include none). */
    public static boolean includesAny(String text) {
        return text.contains("content_blocks") && INCLUDE.matcher(text).find();
    }

    /** The names of the blocks {@code text} includes directly, in order of appearance. */
    public static Set<String> names(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = INCLUDE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * {@code text} with every include replaced by its block's expanded content.
     *
     * @param maxChars the longest the expanded text may be
     * @throws Refused naming the block and the chain that led to it
     */
    public static <E extends Exception> String expand(String text, Source<E> source, int maxChars) throws E {
        if (!includesAny(text)) {
            return text;
        }
        return new Expansion<>(source, maxChars).expand(text, new ArrayList<>());
    }

    /** One expansion: blocks looked up once each. */
    private static final class Expansion<E extends Exception> {
        private final Source<E> source;
        private final int maxChars;
        private final Map<String, Optional<String>> seen = new HashMap<>();

        Expansion(Source<E> source, int maxChars) {
            this.source = source;
            this.maxChars = maxChars;
        }

        String expand(String text, List<String> chain) throws E {
            Matcher m = INCLUDE.matcher(text);
            StringBuilder out = new StringBuilder(text.length());
            int from = 0;
            while (m.find()) {
                String name = m.group(1);
                out.append(text, from, m.start());
                out.append(block(name, chain));
                from = m.end();
                if (out.length() > maxChars) {
                    throw tooLarge();
                }
            }
            out.append(text, from, text.length());
            if (out.length() > maxChars) {
                throw tooLarge();
            }
            return out.toString();
        }

        private String block(String name, List<String> chain) throws E {
            if (chain.contains(name)) {
                throw new Refused("Content Block cannot be referenced within itself: " + path(chain, name));
            }
            if (chain.size() >= MAX_DEPTH) {
                throw new Refused("Content Blocks are nested more than " + MAX_DEPTH + " deep: " + path(chain, name));
            }
            Optional<String> content = seen.get(name);
            if (content == null) {
                content = source.content(name);
                seen.put(name, content);
            }
            if (content.isEmpty()) {
                throw new Refused("Content Block not found: " + name
                        + (chain.isEmpty() ? "" : " (included by " + String.join(" → ", chain) + ")"));
            }
            chain.add(name);
            try {
                return expand(content.get(), chain);
            } finally {
                chain.remove(chain.size() - 1);
            }
        }

        private Refused tooLarge() {
            return new Refused("Content Blocks expand to more than " + maxChars + " characters");
        }

        private static String path(List<String> chain, String last) {
            List<String> all = new ArrayList<>(chain);
            all.add(last);
            return String.join(" → ", all);
        }
    }
}
