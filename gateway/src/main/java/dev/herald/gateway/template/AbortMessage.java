package dev.herald.gateway.template;

import liqp.TemplateContext;
import liqp.nodes.LNode;
import liqp.tags.Tag;

/**
 * Braze's {@code {% abort_message("reason") %}}: stops rendering and ends the delivery {@code aborted} with the
 * reason. Liqp hands the tag's parameters over as raw tokens; they are joined and stripped of the
 * parentheses and quotes.
 */
final class AbortMessage extends Tag {
    /** Thrown through Liqp to the renderer; carries no stack trace. */
    static final class Signal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Signal(String reason) {
            super(reason, null, false, false);
        }
    }

    AbortMessage() {
        super("abort_message");
    }

    @Override
    public Object render(TemplateContext context, LNode... nodes) {
        StringBuilder raw = new StringBuilder();
        for (LNode node : nodes) {
            raw.append(asString(node.render(context), context));
        }
        String reason = raw.toString().trim();
        if (reason.startsWith("(") && reason.endsWith(")")) {
            reason = reason.substring(1, reason.length() - 1).trim();
        }
        if (reason.length() >= 2 && (reason.startsWith("\"") && reason.endsWith("\"")
                || reason.startsWith("'") && reason.endsWith("'"))) {
            reason = reason.substring(1, reason.length() - 1);
        }
        throw new Signal(reason.isEmpty() ? "abort_message" : reason);
    }
}
