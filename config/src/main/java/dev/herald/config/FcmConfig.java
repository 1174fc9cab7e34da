package dev.herald.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * FCM credentials of one Firebase project.
 *
 * @param projectId      the Firebase project id
 * @param serviceAccount the service-account JSON
 * @param endpoint       a base URL replacing {@code https://fcm.googleapis.com} (a proxy, or a test peer);
 *                       with it no OAuth exchange takes place and a fixed token is sent
 */
public record FcmConfig(String projectId, Secret serviceAccount, Optional<URI> endpoint) {
    public FcmConfig {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /** The credential's identity for egress keys. */
    public String credentialKey() {
        return "fcm:" + projectId;
    }
}
