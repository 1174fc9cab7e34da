package dev.herald.channel;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One rendered SMS or MMS (Braze's {@code sms} messaging object after Liquid).
 *
 * @param delivery       the delivery this attempt belongs to
 * @param to             the recipient's E.164 number
 * @param from           the sender: a number or a Messaging Service
 * @param body           the text
 * @param media          image URLs for MMS
 * @param statusCallback where the provider reports delivery ({@code server.public_url} + callback path)
 */
public record SmsMessage(DeliveryRef delivery, String to, SmsSender from, String body, List<URI> media,
                         Optional<URI> statusCallback) implements OutboundMessage {

    /** Who an SMS is sent from. */
    public sealed interface SmsSender {
        /** A sender number (E.164 or short code). */
        record Number(String number) implements SmsSender {
            public Number {
                Objects.requireNonNull(number, "number");
            }
        }

        /** A Twilio Messaging Service, which picks the number. */
        record MessagingService(String sid) implements SmsSender {
            public MessagingService {
                Objects.requireNonNull(sid, "sid");
            }
        }
    }

    public SmsMessage {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(body, "body");
        media = List.copyOf(media);
        Objects.requireNonNull(statusCallback, "statusCallback");
    }

    @Override
    public Channel channel() {
        return Channel.SMS;
    }
}
