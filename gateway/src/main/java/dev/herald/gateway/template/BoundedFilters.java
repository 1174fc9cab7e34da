package dev.herald.gateway.template;

import java.util.Collection;
import java.util.List;
import liqp.TemplateContext;
import liqp.filters.Filter;
import liqp.filters.Filters;
import org.jspecify.annotations.Nullable;

/**
 * Liqp's filters, each refusing to build a string (or list) beyond the output bound and checking the render's
 * deadline. The filters that can grow a value without limit — {@code append}, {@code prepend}, {@code replace},
 * {@code replace_first}, {@code concat} — check the size they would build before building it, so
 * {@code s | append: s} in a loop stops at the bound instead of doubling the heap away. The others grow their input
 * by a small factor at most ({@code escape}, {@code url_encode}, ...) and are checked on their result.
 */
final class BoundedFilters {
    private BoundedFilters() {
    }

    /** Every filter of {@code liqp}, bounded, under its own name (so they replace Liqp's in a parser). */
    static List<Filter> of(Filters liqp, int maxChars) {
        return liqp.values().stream().<Filter>map(f -> new Bounded(f, maxChars)).toList();
    }

    private static final class Bounded extends Filter {
        private final Filter liqp;
        private final int maxChars;

        Bounded(Filter liqp, int maxChars) {
            super(liqp.name);
            this.liqp = liqp;
            this.maxChars = maxChars;
        }

        @Override
        public Object apply(@Nullable Object value, TemplateContext context, Object... params) {
            RenderDeadline.check();
            if (sizeToBuild(value, context, params) > maxChars) {
                throw "concat".equals(name) ? listTooLong() : LimitExceeded.output(maxChars);
            }
            Object result = liqp.apply(value, context, params);
            if (size(result) > maxChars) {
                throw result instanceof CharSequence ? LimitExceeded.output(maxChars) : listTooLong();
            }
            return result;
        }

        /** The length (or item count) the filter is about to build, for the filters that can grow without limit. */
        private long sizeToBuild(@Nullable Object value, TemplateContext context, Object... params) {
            return switch (name) {
                case "append", "prepend" -> (long) asString(value, context).length() + param(0, context, params).length();
                case "replace" -> {
                    String text = asString(value, context);
                    String needle = String.valueOf(get(0, params));
                    long growth = (long) param(1, context, params).length() - needle.length();
                    yield growth <= 0 ? 0 : text.length() + growth * occurrences(text, needle);
                }
                case "replace_first" -> (long) asString(value, context).length()
                        + Math.max(0, param(1, context, params).length() - String.valueOf(get(0, params)).length());
                case "concat" -> (long) items(value, context) + (params.length > 0 ? items(params[0], context) : 0);
                default -> 0;
            };
        }

        private String param(int index, TemplateContext context, @Nullable Object... params) {
            return params.length > index && params[index] != null ? asString(params[index], context) : "";
        }

        private int items(@Nullable Object value, TemplateContext context) {
            return isArray(value) ? asArray(value, context).length : 0;
        }

        /** As {@code String.replace} counts them; an empty needle matches between every two characters. */
        private static long occurrences(String text, String needle) {
            if (needle.isEmpty()) {
                return text.length() + 1L;
            }
            long count = 0;
            for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
                count++;
            }
            return count;
        }

        private static long size(@Nullable Object result) {
            if (result instanceof CharSequence text) {
                return text.length();
            }
            if (result instanceof Object[] array) {
                return array.length;
            }
            return result instanceof Collection<?> items ? items.size() : 0;
        }

        private LimitExceeded listTooLong() {
            return new LimitExceeded("template list exceeds " + maxChars + " items");
        }
    }
}
