package dev.herald.channel.fcm;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import java.time.Instant;
import java.util.Date;

/**
 * Credentials that always present the same bearer token and "refresh" to it again, for an endpoint that
 * replaces FCM (a proxy or a test peer): no OAuth exchange ever happens. Refreshing matters because the HTTP
 * client answers every 401 by refreshing the token and resending (see {@code HttpCredentialsAdapter}); a plain
 * {@code GoogleCredentials.create(token)} throws there instead of letting FCM's error through.
 */
final class FixedTokenCredentials extends GoogleCredentials {
    private static final long serialVersionUID = 1L;
    private static final Date NEVER = Date.from(Instant.parse("9999-01-01T00:00:00Z"));

    private final String token;

    FixedTokenCredentials(String token) {
        super(GoogleCredentials.newBuilder().setAccessToken(new AccessToken(token, NEVER)));
        this.token = token;
    }

    @Override
    public AccessToken refreshAccessToken() {
        return new AccessToken(token, NEVER);
    }
}
