package dev.herald.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A Twilio account.
 *
 * @param accountSid the account SID ({@code AC...})
 * @param authToken  the auth token; also verifies status callbacks
 * @param apiBase    a base URL replacing {@code https://api.twilio.com} (a proxy, or a test peer)
 */
public record TwilioConfig(String accountSid, Secret authToken, Optional<URI> apiBase) {
    public TwilioConfig {
        Objects.requireNonNull(accountSid, "accountSid");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(apiBase, "apiBase");
    }
}
