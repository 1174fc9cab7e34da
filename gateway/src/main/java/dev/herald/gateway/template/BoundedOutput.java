package dev.herald.gateway.template;

import liqp.RenderTransformer;
import liqp.TemplateContext;
import org.jspecify.annotations.Nullable;

/**
 * Liqp's render transformer with the output bound checked before a piece is appended (Liqp's default checks after,
 * and not at all on a block's first piece) and the render's deadline checked on every piece: every block, loop
 * iteration and capture appends through here. The result is a {@code String}, as with Liqp's default.
 */
final class BoundedOutput implements RenderTransformer {
    private final int maxChars;

    BoundedOutput(int maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public ObjectAppender.Controller newObjectAppender(TemplateContext context, int estimatedNumberOfAppends) {
        return new ObjectAppender.Controller() {
            // Most blocks append one piece: it is kept as it is, and copied only when a second one comes.
            private CharSequence first = "";
            private @Nullable StringBuilder joined;

            @Override
            public void append(Object obj) {
                RenderDeadline.check();
                CharSequence piece = obj instanceof CharSequence c ? c : String.valueOf(obj);
                CharSequence sofar = joined != null ? joined : first;
                if ((long) sofar.length() + piece.length() > maxChars) {
                    throw LimitExceeded.output(maxChars);
                }
                if (joined != null) {
                    joined.append(piece);
                } else if (first.isEmpty()) {
                    first = piece;
                } else {
                    joined = new StringBuilder(first.length() + piece.length()).append(first).append(piece);
                }
            }

            @Override
            public Object getResult() {
                return transformObject(context, joined != null ? joined : first);
            }
        };
    }

    @Override
    public Object transformObject(TemplateContext context, Object obj) {
        return String.valueOf(obj);
    }
}
