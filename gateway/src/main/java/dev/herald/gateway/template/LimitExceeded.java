package dev.herald.gateway.template;

/**
 * A render went past one of its bounds (output size, loop range, time). Thrown through Liqp, which wraps it; the
 * engine finds it in the cause chain and fails that render, and only that render, with its reason.
 */
final class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitExceeded(String reason) {
        super(reason, null, false, false);
    }

    static LimitExceeded output(long maxChars) {
        return new LimitExceeded("template output exceeds " + maxChars + " characters");
    }
}
