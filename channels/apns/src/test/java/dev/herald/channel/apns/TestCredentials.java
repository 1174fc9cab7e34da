package dev.herald.channel.apns;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import dev.herald.config.ApnsConfig;
import dev.herald.config.Secret;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;

/** Test keys, certificates (see {@code generate-certs.sh}) and device tokens. */
final class TestCredentials {
    /** The password of {@code client.p12}. */
    static final String CLIENT_P12_PASSWORD = "herald-test";
    /** The topic in {@code client.p12}'s UID. */
    static final String CLIENT_P12_TOPIC = "dev.herald.test";

    private TestCredentials() {
    }

    static Path resource(String name) {
        URL url = TestCredentials.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh EC P-256 key pair, the kind Apple issues as a .p8 signing key. */
    static KeyPair signingKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Token auth with the private key as PKCS#8 PEM text, as the config loader hands it over. */
    static ApnsConfig.TokenAuth tokenAuth(String teamId, String keyId, KeyPair keys) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return new ApnsConfig.TokenAuth(teamId, keyId, Secret.of(pem));
    }

    static ApnsVerificationKey verificationKey(String teamId, String keyId, KeyPair keys) {
        try {
            return new ApnsVerificationKey(keyId, teamId, (ECPublicKey) keys.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static ApnsConfig.CertificateAuth certificateAuth() {
        return new ApnsConfig.CertificateAuth(resource("client.p12"), Secret.of(CLIENT_P12_PASSWORD));
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
