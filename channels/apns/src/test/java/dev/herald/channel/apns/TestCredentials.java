package dev.herald.channel.apns;

import dev.herald.config.ApnsConfig;
import dev.herald.config.Secret;
import dev.herald.testkit.ApnsPeer;
import dev.herald.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What the APNs adapter's tests add to the testkit's {@link ApnsPeer}: Herald's {@link ApnsConfig} for it, the
 * config loader's form of a team's key and of the test client certificate, and device tokens.
 */
final class TestCredentials {
    private TestCredentials() {
    }

    /** A development config for {@code topic} pointing at {@code apns} and trusting the test CA. */
    static ApnsConfig config(ApnsPeer apns, String topic, ApnsConfig.Auth auth) {
        return new ApnsConfig(topic, ApnsConfig.Environment.DEVELOPMENT, auth, Optional.of(apns.address()),
                Optional.of(TestCertificates.ca()));
    }

    /** Token auth with the team's private key as PKCS#8 PEM text, as the config loader hands it over. */
    static ApnsConfig.TokenAuth tokenAuth(ApnsPeer.Team team) {
        return new ApnsConfig.TokenAuth(team.teamId(), team.keyId(), Secret.of(team.privateKeyPem()));
    }

    /** Certificate auth with the test client certificate, whose topic is {@link TestCertificates#CLIENT_TOPIC}. */
    static ApnsConfig.CertificateAuth certificateAuth() {
        return new ApnsConfig.CertificateAuth(TestCertificates.clientCertificate(),
                Secret.of(TestCertificates.CLIENT_PASSWORD));
    }

    /** A well-formed 64-hex-digit device token derived from {@code label}. */
    static String deviceToken(String label) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
