package dev.herald.config;

import java.util.Objects;

/**
 * A workspace's email settings.
 *
 * @param smtp the relay email leaves through
 */
public record EmailConfig(SmtpConfig smtp) {
    public EmailConfig {
        Objects.requireNonNull(smtp, "smtp");
    }
}
