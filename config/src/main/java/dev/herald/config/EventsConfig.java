package dev.herald.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a workspace's delivery events go.
 *
 * @param postbackUrl   receives transactional postbacks (Braze's shape), signed
 * @param signingSecret the Standard Webhooks secret ({@code whsec_...}) the events are signed with
 */
public record EventsConfig(Optional<URI> postbackUrl, Optional<Secret> signingSecret) {
    public EventsConfig {
        Objects.requireNonNull(postbackUrl, "postbackUrl");
        Objects.requireNonNull(signingSecret, "signingSecret");
    }

    /** No events. */
    public static EventsConfig none() {
        return new EventsConfig(Optional.empty(), Optional.empty());
    }
}
