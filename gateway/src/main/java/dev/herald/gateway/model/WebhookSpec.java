package dev.herald.gateway.model;

import dev.herald.channel.Channel;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Braze's {@code webhook} object.
 *
 * @param url            the target, possibly a template
 * @param requestMethod  upper case: POST, PUT, PATCH, DELETE or GET
 * @param requestHeaders header name → value (a template), in the order given
 * @param body           the body template ({@code ""} when none)
 */
public record WebhookSpec(String url, String requestMethod, Map<String, String> requestHeaders, String body,
                          Optional<String> messageVariationId) implements MessageSpec {
    public WebhookSpec {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(requestMethod, "requestMethod");
        requestHeaders = Maps.copy(requestHeaders);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(messageVariationId, "messageVariationId");
    }

    @Override
    public Channel channel() {
        return Channel.WEBHOOK;
    }
}
