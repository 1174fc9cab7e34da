package dev.herald.channel.fcm;

import java.net.URI;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Service-account JSON with a freshly generated RSA key, for tests that must never reach Google. */
final class ServiceAccounts {
    private ServiceAccounts() {
    }

    /** A service account whose OAuth token exchange goes to {@code tokenUri}. */
    static String json(String projectId, URI tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\\n"
                + Base64.getEncoder().encodeToString(rsaKey()) + "\\n-----END PRIVATE KEY-----\\n";
        return "{\"type\":\"service_account\",\"project_id\":\"" + projectId + "\",\"private_key_id\":\"k1\","
                + "\"private_key\":\"" + pem + "\",\"client_email\":\"herald@" + projectId
                + ".iam.gserviceaccount.com\",\"client_id\":\"1\",\"token_uri\":\"" + tokenUri + "\"}";
    }

    private static byte[] rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair().getPrivate().getEncoded();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
