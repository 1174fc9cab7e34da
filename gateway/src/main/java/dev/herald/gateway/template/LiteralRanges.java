package dev.herald.gateway.template;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loops over a range written as numbers, {@code (1..20000)}, that can only fail when rendered: longer than the
 * loop-iteration limit (unless a {@code limit:} shortens it), or with a bound Liqp cannot count to. They are
 * refused when the template arrives. A range written with variables is checked as it renders ({@link BoundedFor}).
 */
final class LiteralRanges {
    private static final Pattern FOR_RANGE = Pattern.compile(
            "\\{%-?\\s*for\\s+\\w+\\s+in\\s*\\(\\s*(-?\\d+)\\s*\\.\\.\\s*(-?\\d+)\\s*\\)([^%]*)%}");
    private static final BigInteger MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    private LiteralRanges() {
    }

    /** Why a literal range in {@code source} cannot render within {@code maxIterations}, if one cannot. */
    static Optional<String> beyond(String source, int maxIterations) {
        Matcher loop = FOR_RANGE.matcher(source);
        while (loop.find()) {
            BigInteger from = new BigInteger(loop.group(1));
            BigInteger to = new BigInteger(loop.group(2));
            String range = "(" + from + ".." + to + ")";
            if (from.compareTo(MIN) < 0 || to.compareTo(MAX) > 0 || to.compareTo(MIN) < 0 || from.compareTo(MAX) > 0) {
                return Optional.of("loop range " + range + " has a bound beyond " + Integer.MAX_VALUE
                        + " in size; a template loops at most " + maxIterations + " times");
            }
            boolean limited = loop.group(3).contains("limit");
            if (!limited && to.subtract(from).add(BigInteger.ONE).compareTo(BigInteger.valueOf(maxIterations)) > 0) {
                return Optional.of("loop range " + range + " is longer than the " + maxIterations
                        + " iterations a template may loop");
            }
        }
        return Optional.empty();
    }
}
