package dev.herald.gateway.binding;

import dev.herald.config.SmtpConfig;
import java.net.URI;
import java.util.Locale;

/**
 * The egress key of a delivery: what it leaves Herald through, so limits, breakers and pauses apply per
 * webhook host, relay or credential. A webhook host is keyed per workspace too: workspaces reach the same host
 * with their own URLs, secrets and payloads, so one workspace's failing or throttled sends must not pause
 * another's healthy ones. Relays, push credentials and SMS senders are a workspace's own configuration; two
 * workspaces configured with the same relay login share its connection limit, as they share it at the relay.
 */
public final class EgressKeys {
    private EgressKeys() {
    }

    /**
     * {@code webhook:workspace/host:port}; a URL whose host is a template shares the workspace's
     * {@code webhook:workspace/templated}.
     */
    public static String webhook(String workspace, String url) {
        String prefix = "webhook:" + workspace + "/";
        try {
            URI uri = URI.create(url);
            if (uri.getHost() != null) {
                int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                return prefix + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
            }
        } catch (IllegalArgumentException templated) {
            // a Liquid URL is resolved only at send time
        }
        return prefix + "templated";
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
