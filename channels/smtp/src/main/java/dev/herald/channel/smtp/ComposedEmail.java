package dev.herald.channel.smtp;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Objects;

/**
 * A message ready for the wire.
 *
 * @param message   the MIME message, headers saved
 * @param messageId its {@code Message-ID}, angle brackets included
 * @param recipient the envelope recipient (RCPT TO)
 */
record ComposedEmail(MimeMessage message, String messageId, InternetAddress recipient) {
    ComposedEmail {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(recipient, "recipient");
    }
}
