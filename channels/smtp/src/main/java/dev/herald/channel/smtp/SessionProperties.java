package dev.herald.channel.smtp;

import dev.herald.config.SmtpConfig;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The Jakarta Mail session properties for one relay (Angus SMTP provider, providers.md §3.3). All three
 * timeouts are always set: Angus's defaults are infinite, and a relay that stops answering must cost one
 * {@code Retry}, not a pooled connection forever.
 */
final class SessionProperties {

    private SessionProperties() {
    }

    /**
     * @param writeTimeouts the scheduler Angus uses to enforce the write timeout; shared by the sender's
     *                      connections instead of one thread per connection
     */
    static Properties of(SmtpConfig config, ScheduledExecutorService writeTimeouts) {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", config.host());
        p.setProperty("mail.smtp.port", String.valueOf(config.port()));
        p.setProperty("mail.smtp.connectiontimeout", millis(config.connectTimeout()));
        p.setProperty("mail.smtp.timeout", millis(config.readTimeout()));
        p.setProperty("mail.smtp.writetimeout", millis(config.readTimeout()));
        p.put("mail.smtp.executor.writetimeout", writeTimeouts);
        // QUIT is a courtesy; waiting for its reply would only slow down closing a broken connection.
        p.setProperty("mail.smtp.quitwait", "false");
        p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        if (config.implicitTls()) {
            p.setProperty("mail.smtp.ssl.enable", "true");
        } else {
            switch (config.starttls()) {
                case DISABLED -> p.setProperty("mail.smtp.starttls.enable", "false");
                case OPTIONAL -> p.setProperty("mail.smtp.starttls.enable", "true");
                case REQUIRED -> {
                    p.setProperty("mail.smtp.starttls.enable", "true");
                    p.setProperty("mail.smtp.starttls.required", "true");
                }
            }
        }
        boolean login = config.username().isPresent() && config.password().isPresent();
        p.setProperty("mail.smtp.auth", String.valueOf(login));
        config.username().ifPresent(user -> p.setProperty("mail.smtp.user", user));
        return p;
    }

    private static String millis(Duration d) {
        return String.valueOf(Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis())));
    }
}
