package dev.herald.gateway.delivery;

/** The stored message cannot be turned into something a provider accepts; the delivery fails with this reason. */
final class UnsendableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsendableException(String reason) {
        super(reason, null, false, false);
    }
}
