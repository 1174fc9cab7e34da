package dev.herald.channel;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An HTTP request to send (Braze's {@code webhook} messaging object, rendered).
 *
 * @param delivery the delivery this attempt belongs to
 * @param url      absolute http(s) URL
 * @param method   one of GET, POST, PUT, DELETE, PATCH
 * @param headers  request headers as given by the caller
 * @param body     request body; empty for none (never sent with GET)
 */
public record WebhookMessage(DeliveryRef delivery, URI url, String method, Map<String, String> headers, String body)
        implements OutboundMessage {
    /** Methods a webhook may use. */
    public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");

    public WebhookMessage {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(body, "body");
        method = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method must be one of " + METHODS + ", was " + method);
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("url must be an absolute http(s) URL, was " + url);
        }
        headers = Map.copyOf(headers);
    }

    @Override
    public Channel channel() {
        return Channel.WEBHOOK;
    }
}
