package dev.herald.channel.webhook;

import java.util.Optional;

/**
 * What Herald keeps of a webhook target's response: the status, the headers that steer retries, and the
 * start of the body for the status API's {@code last_error}.
 */
record WebhookResponse(int status, String reasonPhrase, Optional<String> retryAfter, Optional<String> location,
                       String bodyStart) {
}
