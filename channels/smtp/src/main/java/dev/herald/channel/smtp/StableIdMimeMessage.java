package dev.herald.channel.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A MIME message whose {@code Message-ID} is fixed by the caller. Jakarta Mail generates a new random id
 * in {@link MimeMessage#saveChanges()}; ours is derived from the delivery id so it stays the same on every
 * attempt and receivers can drop the duplicates at-least-once delivery can cause.
 */
final class StableIdMimeMessage extends MimeMessage {
    private final String messageId;

    StableIdMimeMessage(Session session, String messageId) {
        super(session);
        this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
    }
}
