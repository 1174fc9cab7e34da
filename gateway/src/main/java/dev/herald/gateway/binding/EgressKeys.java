package dev.herald.gateway.binding;

import dev.herald.config.SmtpConfig;
import java.net.URI;
import java.util.Locale;

/**
 * The egress key of a delivery: what it leaves Herald through, so limits, breakers and pauses apply per
 * webhook host, relay or credential rather than per workspace.
 */
public final class EgressKeys {
    private EgressKeys() {
    }

    /** {@code webhook:host:port}; a URL whose host is a template shares {@code webhook:templated}. */
    public static String webhook(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getHost() != null) {
                int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                return "webhook:" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
            }
        } catch (IllegalArgumentException templated) {
            // a Liquid URL is resolved only at send time
        }
        return "webhook:templated";
    }

    /** {@code smtp:[user@]host:port}: one key per relay login. */
    public static String smtp(SmtpConfig smtp) {
        return "smtp:" + smtp.username().map(n -> n + "@").orElse("") + smtp.relay();
    }

    /** {@code sms:<from number or messaging service sid>}: one key per sender. */
    public static String sms(String sender) {
        return "sms:" + sender;
    }
}
