package dev.herald.gateway.store;

/** The writer's queue is full: ingress answers 503 with {@code Retry-After: 1} and nothing is stored. */
public final class StoreOverloadedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreOverloadedException(int capacity) {
        super("the store's write queue is full (" + capacity + " requests waiting)", null, false, false);
    }
}
