package dev.herald.gateway.users;

/**
 * A non-fatal error about one object of a request, reported in Braze's shape
 * {@code {"type": ..., "input_array": ..., "index": ...}} while the other objects are still processed.
 */
final class ItemError extends Exception {
    private static final long serialVersionUID = 1L;

    ItemError(String type) {
        super(type, null, false, false);
    }
}
