package dev.herald.channel.webhook;

import java.net.UnknownHostException;

/**
 * A webhook host resolved only to addresses the {@link SsrfGuard} refuses. Extends
 * {@link UnknownHostException} so HttpClient treats it as a resolution failure; the sender maps it to a
 * permanent failure rather than a retry.
 */
final class BlockedAddressException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    BlockedAddressException(String message) {
        super(message);
    }
}
