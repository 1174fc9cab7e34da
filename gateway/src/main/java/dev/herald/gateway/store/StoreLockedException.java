package dev.herald.gateway.store;

/** Another process holds the store's lock file; this one must not open it. */
public final class StoreLockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreLockedException(String message) {
        super(message);
    }
}
