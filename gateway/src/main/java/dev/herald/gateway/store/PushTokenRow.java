package dev.herald.gateway.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A device token registered to a user for one app.
 *
 * @param invalidReason why APNs/FCM refused it, until it is registered again
 */
public record PushTokenRow(String workspace, String appId, String token, long userId, Optional<String> deviceId,
                           Instant registeredAt, Optional<String> invalidReason) {
}
