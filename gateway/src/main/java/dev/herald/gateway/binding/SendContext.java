package dev.herald.gateway.binding;

import dev.herald.channel.DeliveryRef;
import dev.herald.config.WorkspaceConfig;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What a message of one attempt is built for.
 *
 * @param ref       the delivery and attempt (sent to providers as the message's stable id)
 * @param address   the address the delivery was expanded to
 * @param appId     the app of a push token
 * @param publicUrl where providers reach Herald's callbacks ({@code server.public_url})
 */
public record SendContext(DeliveryRef ref, String address, Optional<String> appId, WorkspaceConfig workspace,
                          Optional<URI> publicUrl) {
    public SendContext {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(publicUrl, "publicUrl");
    }
}
