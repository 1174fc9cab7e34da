package dev.herald.channel.smtp;

import dev.herald.config.SmtpConfig;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * An Angus SMTP transport that can tell, without a round trip, whether its socket is still open.
 * {@link SMTPTransport#isConnected()} always sends a NOOP; the pool calls it only after a quiet spell and
 * uses {@link #isOpen()} before every message to catch connections Angus itself closed after an error.
 */
final class RelayTransport extends SMTPTransport {

    private RelayTransport(Session session) {
        super(session, new URLName("smtp", null, -1, null, null, null));
    }

    /** A transport connected (and logged in, when the config has credentials) to the relay. */
    static RelayTransport connect(Session session, SmtpConfig config) throws MessagingException {
        RelayTransport transport = new RelayTransport(session);
        if (config.username().isPresent() && config.password().isPresent()) {
            transport.connect(config.host(), config.port(), config.username().get(), config.password().get().reveal());
        } else {
            transport.connect(config.host(), config.port(), null, null);
        }
        return transport;
    }

    /** Whether the socket is open as far as this side knows; no command is sent. */
    boolean isOpen() {
        try {
            checkConnected();
            return true;
        } catch (IllegalStateException notConnected) {
            return false;
        }
    }
}
