package dev.herald.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * APNs credentials of one iOS app.
 *
 * @param topic       the app's bundle id (the {@code apns-topic})
 * @param environment production or development (sandbox) APNs
 * @param auth        token (.p8) or certificate (.p12) authentication
 * @param server      {@code host:port} replacing Apple's server (a proxy, or a test peer)
 * @param trustedCertificate a PEM file of CA certificates to trust instead of the JDK's (with {@code server})
 */
public record ApnsConfig(String topic, Environment environment, Auth auth, Optional<String> server,
                         Optional<Path> trustedCertificate) {

    /** Which APNs. */
    public enum Environment {
        /** api.push.apple.com */
        PRODUCTION,
        /** api.sandbox.push.apple.com */
        DEVELOPMENT
    }

    /** How Herald proves itself to APNs. */
    public sealed interface Auth {
        /** A human-readable description without secrets. */
        String describe();
    }

    /**
     * Token authentication with a .p8 signing key.
     *
     * @param signingKey the PKCS#8 PEM text of the key
     */
    public record TokenAuth(String teamId, String keyId, Secret signingKey) implements Auth {
        public TokenAuth {
            Objects.requireNonNull(teamId, "teamId");
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(signingKey, "signingKey");
        }

        @Override
        public String describe() {
            return "token " + teamId + "/" + keyId;
        }
    }

    /**
     * Certificate authentication with a .p12 file.
     *
     * @param certificate path of the PKCS#12 file
     * @param password    its password
     */
    public record CertificateAuth(Path certificate, Secret password) implements Auth {
        public CertificateAuth {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String describe() {
            return "certificate " + certificate.getFileName();
        }
    }

    public ApnsConfig {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(trustedCertificate, "trustedCertificate");
    }

    /** The credential's identity for egress keys: one Pushy client per credential. */
    public String credentialKey() {
        return "apns:" + switch (auth) {
            case TokenAuth t -> t.teamId() + "/" + t.keyId();
            case CertificateAuth c -> c.certificate().toString();
        } + ":" + environment.name().toLowerCase(java.util.Locale.ROOT);
    }
}
