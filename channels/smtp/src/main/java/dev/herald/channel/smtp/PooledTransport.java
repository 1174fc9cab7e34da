package dev.herald.channel.smtp;

import jakarta.mail.MessagingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One place in the pool: a transport opened on first use and kept for the next message. Used by one
 * thread at a time (the pool hands it out exclusively), so it needs no locking of its own.
 */
final class PooledTransport {
    private static final Logger logger = LoggerFactory.getLogger(PooledTransport.class);

    /** Opens a connected transport to the relay. */
    @FunctionalInterface
    interface Opener {
        RelayTransport open() throws MessagingException;
    }

    private final Opener opener;
    private final Clock clock;
    private final Duration probeAfter;
    private @Nullable RelayTransport transport;
    private Instant lastUsed = Instant.MIN;

    PooledTransport(Opener opener, Clock clock, Duration probeAfter) {
        this.opener = opener;
        this.clock = clock;
        this.probeAfter = probeAfter;
    }

    /**
     * A connected transport: the open one when it is still usable, otherwise a new connection. After
     * {@code probeAfter} without traffic the open one is probed with NOOP first, because relays drop idle
     * connections and the next message would otherwise fail on a dead socket.
     */
    RelayTransport connected() throws MessagingException {
        RelayTransport current = transport;
        if (current != null && (!current.isOpen() || isQuiet() && !current.isConnected())) {
            logger.debug("pooled SMTP connection is gone, opening a new one");
            discard();
            current = null;
        }
        if (current == null) {
            current = opener.open();
            transport = current;
        }
        return current;
    }

    /** Records traffic, so the next message within {@code probeAfter} skips the probe. */
    void used() {
        lastUsed = clock.instant();
    }

    /** Closes the transport after a connection-level failure; the next use opens a new one. */
    void discard() {
        RelayTransport current = transport;
        transport = null;
        if (current != null) {
            try {
                current.close();
            } catch (MessagingException | RuntimeException alreadyBroken) {
                logger.trace("closing a broken SMTP connection failed", alreadyBroken);
            }
        }
    }

    private boolean isQuiet() {
        return !clock.instant().isBefore(lastUsed.plus(probeAfter));
    }
}
