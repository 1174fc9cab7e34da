package dev.herald.config;

import java.util.Objects;
import java.util.Set;

/**
 * A workspace's email settings.
 *
 * @param smtp               the relay email leaves through
 * @param subscriptionGroups the ids of the workspace's email subscription groups ({@code email.subscription_groups});
 *                           a send naming one reaches only users not unsubscribed from it
 */
public record EmailConfig(SmtpConfig smtp, Set<String> subscriptionGroups) {
    public EmailConfig {
        Objects.requireNonNull(smtp, "smtp");
        subscriptionGroups = Set.copyOf(subscriptionGroups);
    }

    /** A relay without subscription groups. */
    public EmailConfig(SmtpConfig smtp) {
        this(smtp, Set.of());
    }
}
