package dev.herald.gateway.template;

import java.math.BigDecimal;
import liqp.TemplateContext;
import liqp.blocks.For;
import liqp.nodes.LNode;

/**
 * Liqp's {@code for}, refusing a range whose bounds do not fit the {@code int} Liqp counts in. Liqp narrows them
 * with {@code intValue()}, so {@code (1..9223372036854775807)} became {@code (1..-1)} and rendered nothing: an
 * empty message sent and marked delivered. The loop-iteration limit still counts the iterations of a range that
 * fits; this only keeps the range from silently becoming another one.
 */
final class BoundedFor extends For {
    private static final BigDecimal MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

    /** Replaces Liqp's {@code for}: Liqp names a tag after its class unless told, and {@code For} takes no name. */
    @Override
    public String getName() {
        return "for";
    }

    @Override
    public Object render(TemplateContext context, LNode... nodes) {
        RenderDeadline.check();
        // Liqp's layout of a for tag's nodes: [0] whether it loops over an array, [2] and [3] a range's bounds.
        if (!asBoolean(nodes[0].render(context))) {
            checkBound(nodes[2].render(context));
            checkBound(nodes[3].render(context));
        }
        return super.render(context, nodes);
    }

    private void checkBound(Object bound) {
        Number number;
        try {
            number = asNumber(bound);
        } catch (RuntimeException notANumber) {
            return; // Liqp reports it as it always has
        }
        if (!fitsAnInt(number)) {
            throw new LimitExceeded("loop range bound " + number + " is beyond " + Integer.MAX_VALUE
                    + " in size");
        }
    }

    private static boolean fitsAnInt(Number number) {
        try {
            BigDecimal exact = new BigDecimal(number.toString());
            return exact.compareTo(MIN) >= 0 && exact.compareTo(MAX) <= 0;
        } catch (NumberFormatException infiniteOrNaN) {
            return false;
        }
    }
}
