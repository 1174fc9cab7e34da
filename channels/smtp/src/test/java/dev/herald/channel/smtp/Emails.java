package dev.herald.channel.smtp;

import dev.herald.channel.DeliveryRef;
import dev.herald.channel.EmailMessage;
import dev.herald.config.Secret;
import dev.herald.config.SmtpConfig;
import dev.herald.config.TlsMode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Messages and relay configs for the tests. */
final class Emails {
    static final String FROM = "Acme <no-reply@acme.test>";

    private Emails() {
    }

    /** A short HTML email with a fresh delivery id. */
    static EmailMessage html(String to) {
        return new EmailMessage(new DeliveryRef(UUID.randomUUID(), 1), FROM, to, Optional.empty(), "Hello",
                Optional.of("<p>Hi there</p>"), Optional.empty(), Optional.empty(), Map.of());
    }

    static EmailMessage withFrom(String from, String to) {
        return new EmailMessage(new DeliveryRef(UUID.randomUUID(), 1), from, to, Optional.empty(), "Hello",
                Optional.empty(), Optional.of("Hi"), Optional.empty(), Map.of());
    }

    /** A relay on loopback without TLS or login. */
    static SmtpConfig relay(int port, int pool) {
        return relay(port, pool, Duration.ofSeconds(5));
    }

    static SmtpConfig relay(int port, int pool, Duration readTimeout) {
        return new SmtpConfig("127.0.0.1", port, TlsMode.DISABLED, false, Optional.empty(), Optional.empty(), false,
                pool, Duration.ofSeconds(2), readTimeout);
    }

    static SmtpConfig relayWithLogin(int port, String user, String password) {
        return new SmtpConfig("127.0.0.1", port, TlsMode.DISABLED, false, Optional.of(user),
                Optional.of(Secret.of(password)), false, 1, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    static SmtpConfig relayRequiringStartTls(int port) {
        return new SmtpConfig("127.0.0.1", port, TlsMode.REQUIRED, false, Optional.empty(), Optional.empty(), false,
                1, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }
}
