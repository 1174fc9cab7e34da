package dev.herald.channel.smtp;

/**
 * Names Angus's {@code StreamProvider} in the system property Jakarta Mail reads first. Without it, Jakarta Mail
 * 2.1 looks the provider up through {@link java.util.ServiceLoader} on every {@code MimeBodyPart}, multipart and
 * encoder it creates (jakartaee/mail-api#699, #861): a scan of every jar on the class path, several times per
 * message, which a profile of the email benchmark showed as half of Herald's CPU. With the property set the lookup
 * is a {@code Class.forName} of a loaded class. An operator's own setting is left alone.
 */
final class StreamProviderPin {
    static final String PROPERTY = "jakarta.mail.util.StreamProvider";
    static final String ANGUS = "org.eclipse.angus.mail.util.MailStreamProvider";

    private StreamProviderPin() {
    }

    /** Sets the property unless it is set. */
    static void pin() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, ANGUS);
        }
    }
}
