package dev.herald.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a workspace's delivery events go.
 *
 * @param postbackUrl   receives transactional postbacks (Braze's shape), signed
 * @param signingSecret the Standard Webhooks secret ({@code whsec_...}) the postbacks are signed with
 * @param currents      the Currents-style stream of every message event, if the workspace has one
 */
public record EventsConfig(Optional<URI> postbackUrl, Optional<Secret> signingSecret,
                           Optional<CurrentsConfig> currents) {
    public EventsConfig {
        Objects.requireNonNull(postbackUrl, "postbackUrl");
        Objects.requireNonNull(signingSecret, "signingSecret");
        Objects.requireNonNull(currents, "currents");
    }

    /** No events. */
    public static EventsConfig none() {
        return new EventsConfig(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
