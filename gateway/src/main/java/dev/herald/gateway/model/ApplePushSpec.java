package dev.herald.gateway.model;

import dev.herald.channel.ApplePush;
import dev.herald.channel.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Braze's {@code apple_push} object. The alert's title and body, string values of {@code extra} and
 * {@code custom_uri} are templates; the rest is sent as given.
 *
 * @param alert                      as APNs takes it (a plain string is a body alone); title and body are templates
 * @param extra                      custom keys beside {@code aps}, as plain Java values
 * @param buttons                    Braze action buttons, sent as given
 * @param sendToMostRecentDeviceOnly only the user's newest iOS token
 */
public record ApplePushSpec(Optional<ApplePush.Alert> alert, Optional<Integer> badge, Optional<String> sound,
                            Map<String, Object> extra, boolean contentAvailable, boolean mutableContent,
                            Optional<String> category, Optional<String> interruptionLevel,
                            Optional<Double> relevanceScore, Optional<Instant> expiry, Optional<String> collapseId,
                            Optional<Integer> apnsPriority, Optional<String> customUri, List<ApplePush.Button> buttons,
                            Optional<String> threadId, Optional<String> assetUrl, Optional<String> assetFileType,
                            boolean sendToMostRecentDeviceOnly) implements MessageSpec {
    public ApplePushSpec {
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(badge, "badge");
        Objects.requireNonNull(sound, "sound");
        extra = Maps.copy(extra);
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(interruptionLevel, "interruptionLevel");
        Objects.requireNonNull(relevanceScore, "relevanceScore");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(collapseId, "collapseId");
        Objects.requireNonNull(apnsPriority, "apnsPriority");
        Objects.requireNonNull(customUri, "customUri");
        buttons = Lists.copy(buttons);
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(assetUrl, "assetUrl");
        Objects.requireNonNull(assetFileType, "assetFileType");
    }

    @Override
    public Channel channel() {
        return Channel.APPLE_PUSH;
    }
}
