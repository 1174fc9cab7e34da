package dev.herald.channel.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import dev.herald.config.ApnsConfig;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * Turns an {@link ApnsConfig} into a Pushy {@link ApnsClient}: server from the environment unless
 * {@code server} overrides it, token or certificate authentication, an optional trusted CA, the shared event loop
 * group. Secrets are revealed only here, where they are handed to Pushy, and never appear in error messages.
 */
final class ApnsClientFactory {
    private static final Duration GRACEFUL_SHUTDOWN = Duration.ofSeconds(10);

    private ApnsClientFactory() {
    }

    /**
     * A new client; it connects lazily, on the first notification.
     *
     * @throws IllegalArgumentException when the key, certificate or trusted certificate cannot be loaded, or the
     *                                  server is not {@code host:port}
     */
    static ApnsClient build(ApnsConfig config, EventLoopGroup group, ApnsTuning tuning) {
        ApnsServer server = ApnsServer.of(config);
        ApnsClientBuilder builder = new ApnsClientBuilder()
                .setApnsServer(server.host(), server.port())
                .setEventLoopGroup(group)
                .setConcurrentConnections(tuning.connections())
                .setConnectionTimeout(tuning.connectTimeout())
                .setGracefulShutdownTimeout(GRACEFUL_SHUTDOWN);
        config.trustedCertificate().ifPresent(pem -> builder.setTrustedServerCertificateChain(pem.toFile()));
        try {
            switch (config.auth()) {
                case ApnsConfig.TokenAuth token -> builder.setSigningKey(signingKey(token));
                case ApnsConfig.CertificateAuth cert ->
                        builder.setClientCredentials(cert.certificate().toFile(), cert.password().reveal());
            }
            return builder.build();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("APNs client for " + config.auth().describe() + " could not be set up: "
                    + e.getClass().getSimpleName() + safeMessage(e), e);
        }
    }

    private static ApnsSigningKey signingKey(ApnsConfig.TokenAuth token) throws IOException, GeneralSecurityException {
        byte[] pem = token.signingKey().reveal().getBytes(StandardCharsets.UTF_8);
        return ApnsSigningKey.loadFromInputStream(new ByteArrayInputStream(pem), token.teamId(), token.keyId());
    }

    /** Key-parsing exceptions never echo key material, but keep the message short and on one line. */
    private static String safeMessage(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "" : ": " + m.lines().findFirst().orElse("");
    }

    /** Where the client connects. */
    record ApnsServer(String host, int port) {
        static ApnsServer of(ApnsConfig config) {
            return config.server().map(ApnsServer::parse).orElseGet(() -> new ApnsServer(switch (config.environment()) {
                case PRODUCTION -> ApnsClientBuilder.PRODUCTION_APNS_HOST;
                case DEVELOPMENT -> ApnsClientBuilder.DEVELOPMENT_APNS_HOST;
            }, ApnsClientBuilder.DEFAULT_APNS_PORT));
        }

        /** {@code host:port}, with an IPv6 literal in brackets. */
        static ApnsServer parse(String hostPort) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("APNs server must be host:port, was " + hostPort);
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("APNs server port must be a number, was " + hostPort, e);
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("APNs server port must be 1-65535, was " + hostPort);
            }
            return new ApnsServer(host, port);
        }
    }
}
