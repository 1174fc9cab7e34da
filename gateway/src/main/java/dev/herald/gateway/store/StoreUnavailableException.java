package dev.herald.gateway.store;

/**
 * A write could not be made durable (the commit or its fsync failed, or the store is closed). Nothing of
 * the batch was kept: ingress answers 503 and never 201.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
