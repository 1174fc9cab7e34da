package dev.herald.channel.smtp;

import dev.herald.channel.EmailMessage;
import dev.herald.channel.SendOutcome;
import dev.herald.channel.support.LastValue;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@link EmailMessage} into a MIME message: From with its display name, To, Reply-To, a UTF-8
 * Subject (encoded words when not ASCII), a {@code Message-ID} of {@code <delivery-id@from-domain>}, Date,
 * the caller's extra headers, and either one text/plain part or a multipart/alternative of text/plain and
 * text/html. Jakarta Mail picks 7bit, quoted-printable or base64 per part.
 *
 * <p>Thread-safe: it holds the session, the clock and what it derived from the last body it composed.
 */
final class MimeComposer {
    private static final Logger logger = LoggerFactory.getLogger(MimeComposer.class);
    private static final String UTF_8 = StandardCharsets.UTF_8.name();
    /** Headers the message itself owns; a caller's value would duplicate them or break the MIME structure. */
    private static final Set<String> RESERVED_HEADERS = Set.of("message-id", "from", "to", "cc", "bcc", "subject",
            "date", "reply-to", "sender", "return-path", "content-type", "content-transfer-encoding",
            "mime-version");
    /** RFC 5322 §3.6.8 field name: printable ASCII except the colon. */
    private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");

    private final Session session;
    private final Clock clock;
    private final LastValue<String, String> plainEncoding = new LastValue<>();
    private final LastValue<String, String> htmlEncoding = new LastValue<>();
    private final LastValue<String, String> textOfHtml = new LastValue<>();

    MimeComposer(Session session, Clock clock) {
        this.session = session;
        this.clock = clock;
    }

    /**
     * The message ready for the wire.
     *
     * @throws UnsendableEmailException when an address cannot be used; it carries the outcome to report
     */
    ComposedEmail compose(EmailMessage email) throws UnsendableEmailException {
        InternetAddress from = sender(email.from());
        InternetAddress to = recipient(email.to());
        Optional<InternetAddress> replyTo = replyTo(email.replyTo());
        String messageId = "<" + email.delivery().id() + "@" + domainOf(from) + ">";
        try {
            MimeMessage mime = new StableIdMimeMessage(session, messageId);
            mime.setFrom(from);
            mime.setRecipient(Message.RecipientType.TO, to);
            if (replyTo.isPresent()) {
                mime.setReplyTo(new InternetAddress[] {replyTo.get()});
            }
            mime.setSubject(LINE_BREAKS.matcher(email.subject()).replaceAll(" "), UTF_8);
            mime.setSentDate(Date.from(clock.instant()));
            body(mime, email);
            extraHeaders(mime, email.headers());
            mime.saveChanges();
            return new ComposedEmail(mime, messageId, to);
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw new UnsendableEmailException(new SendOutcome.Failed("could not build the message: " + e));
        }
    }

    private void body(MimeMessage mime, EmailMessage email) throws MessagingException {
        if (email.html().isEmpty()) {
            text(mime, email.text().orElseThrow(), "plain", plainEncoding);
            return;
        }
        String html = email.html().get();
        MimeBodyPart plain = new MimeBodyPart();
        text(plain, email.text().orElseGet(() -> textOfHtml.get(html, HtmlToText::convert)), "plain", plainEncoding);
        MimeBodyPart rich = new MimeBodyPart();
        text(rich, email.preheader().map(p -> HiddenPreheader.insert(html, p)).orElse(html), "html", htmlEncoding);
        // RFC 2046 §5.1.4: alternatives in increasing order of preference, so the HTML part goes last.
        mime.setContent(new MimeMultipart("alternative", plain, rich));
    }

    /**
     * Sets a UTF-8 text body and its transfer encoding: the one Jakarta Mail would pick (7bit, quoted-printable or
     * base64), worked out once per distinct body. Left to {@code saveChanges}, it encodes every body once to choose
     * and again to send: a third of what an email allocated.
     */
    private static void text(MimePart part, String content, String subtype, LastValue<String, String> encodings)
            throws MessagingException {
        part.setText(content, UTF_8, subtype);
        String type = "text/" + subtype + "; charset=" + UTF_8;
        part.setHeader("Content-Transfer-Encoding",
                encodings.get(content, c -> MimeUtility.getEncoding(new DataHandler(c, type))));
    }

    private static void extraHeaders(MimeMessage mime, Map<String, String> headers)
            throws MessagingException, UnsupportedEncodingException {
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey().strip();
            String value = h.getValue().strip();
            if (!isAllowedHeader(name, value)) {
                skipped.add(name);
                continue;
            }
            String encoded = isAscii(value) ? value : MimeUtility.encodeText(value, UTF_8, null);
            mime.addHeader(name, MimeUtility.fold(name.length() + 2, encoded));
        }
        if (!skipped.isEmpty()) {
            logger.debug("skipped headers that the message owns or that are malformed: {}", skipped);
        }
    }

    private static boolean isAllowedHeader(String name, String value) {
        return FIELD_NAME.matcher(name).matches()
                && !RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))
                && value.indexOf('\r') < 0 && value.indexOf('\n') < 0;
    }

    private static InternetAddress sender(String from) throws UnsendableEmailException {
        try {
            return single(from);
        } catch (AddressException e) {
            throw new UnsendableEmailException(new SendOutcome.Failed("unusable from address \"" + from + "\": "
                    + e.getMessage()));
        }
    }

    private static InternetAddress recipient(String to) throws UnsendableEmailException {
        try {
            return single(to);
        } catch (AddressException e) {
            if (!isAscii(to)) {
                // A limitation of this sender (no SMTPUTF8), not proof that the mailbox is dead.
                throw new UnsendableEmailException(new SendOutcome.Failed("recipient address \"" + to
                        + "\" is not ASCII; internationalized addresses are not supported"));
            }
            throw new UnsendableEmailException(SendOutcome.AddressInvalid.of("malformed recipient address \"" + to
                    + "\": " + e.getMessage()));
        }
    }

    private static Optional<InternetAddress> replyTo(Optional<String> replyTo) throws UnsendableEmailException {
        if (replyTo.isEmpty() || replyTo.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(single(replyTo.get()));
        } catch (AddressException e) {
            throw new UnsendableEmailException(new SendOutcome.Failed("unusable reply-to address \""
                    + replyTo.get() + "\": " + e.getMessage()));
        }
    }

    /**
     * Exactly one address, strictly parsed ({@code a@b.test} or {@code Name <a@b.test>}), rebuilt so its
     * display name is encoded as UTF-8 whatever the platform charset.
     */
    static InternetAddress single(String text) throws AddressException {
        InternetAddress[] parsed = InternetAddress.parse(text.strip(), true);
        if (parsed.length != 1) {
            throw new AddressException("expected exactly one address, found " + parsed.length, text);
        }
        InternetAddress address = parsed[0];
        address.validate();
        if (address.getAddress().indexOf('@') < 0 || !isAscii(address.getAddress())) {
            throw new AddressException("not a complete ASCII address", text);
        }
        String personal = address.getPersonal();
        if (personal == null || personal.isBlank()) {
            return new InternetAddress(address.getAddress());
        }
        try {
            return new InternetAddress(address.getAddress(), personal.strip(), UTF_8);
        } catch (UnsupportedEncodingException impossible) {
            throw new IllegalStateException("UTF-8 is always supported", impossible);
        }
    }

    private static String domainOf(InternetAddress address) {
        String a = address.getAddress();
        return a.substring(a.lastIndexOf('@') + 1);
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}
