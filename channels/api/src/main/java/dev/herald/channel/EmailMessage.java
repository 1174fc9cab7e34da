package dev.herald.channel;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One rendered email for one recipient (Braze's {@code email} messaging object after Liquid).
 *
 * @param delivery  the delivery this attempt belongs to; its id becomes the {@code Message-ID}
 * @param from      the sender, e.g. {@code Acme <no-reply@acme.test>}
 * @param to        the recipient's address
 * @param replyTo   a Reply-To address
 * @param subject   the subject
 * @param html      the HTML body
 * @param text      the plain-text body; when absent the sender derives one from {@code html}
 * @param preheader preview text shown by mail clients next to the subject (hidden in the HTML)
 * @param headers   extra headers as given by the caller
 */
public record EmailMessage(DeliveryRef delivery, String from, String to, Optional<String> replyTo, String subject,
                           Optional<String> html, Optional<String> text, Optional<String> preheader,
                           Map<String, String> headers) implements OutboundMessage {
    public EmailMessage {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(replyTo, "replyTo");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(preheader, "preheader");
        headers = Map.copyOf(headers);
        if (html.isEmpty() && text.isEmpty()) {
            throw new IllegalArgumentException("an email needs an HTML or a plain-text body");
        }
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }
}
