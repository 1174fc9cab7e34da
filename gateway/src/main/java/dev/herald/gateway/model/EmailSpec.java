package dev.herald.gateway.model;

import dev.herald.channel.Channel;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Braze's {@code email} object. Every text field but {@code app_id} and {@code extras} may be a template.
 *
 * @param replyTo absent for none ({@code NO_REPLY_TO} at ingress)
 * @param body    the HTML body
 * @param headers extra header name → value
 * @param extras  kept as given (Braze passes them to its event stream)
 * @param subscriptionGroupId an email subscription group ({@code email.subscription_groups}): users unsubscribed
 *                            from it are not sent to (absent in journals written before groups existed)
 */
public record EmailSpec(String from, Optional<String> replyTo, String subject, String body,
                        Optional<String> plaintextBody, Optional<String> preheader, Optional<String> appId,
                        Map<String, String> headers, Map<String, Object> extras, Optional<String> subscriptionGroupId)
        implements MessageSpec {
    public EmailSpec {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(replyTo, "replyTo");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(plaintextBody, "plaintextBody");
        Objects.requireNonNull(preheader, "preheader");
        Objects.requireNonNull(appId, "appId");
        headers = Maps.copy(headers);
        extras = Maps.copy(extras);
        subscriptionGroupId = subscriptionGroupId == null ? Optional.empty() : subscriptionGroupId;
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }
}
