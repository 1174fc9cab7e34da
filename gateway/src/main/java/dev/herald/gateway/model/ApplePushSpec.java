package dev.herald.gateway.model;

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
 * @param extra                      custom keys beside {@code aps}, as plain Java values
 * @param sendToMostRecentDeviceOnly only the user's newest iOS token
 */
public record ApplePushSpec(Optional<Alert> alert, Optional<Integer> badge, Optional<String> sound,
                            Map<String, Object> extra, boolean contentAvailable, boolean mutableContent,
                            Optional<String> category, Optional<String> interruptionLevel,
                            Optional<Double> relevanceScore, Optional<Instant> expiry, Optional<String> collapseId,
                            Optional<Integer> apnsPriority, Optional<String> customUri, List<Button> buttons,
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

    /** The alert: a plain string is a body alone. Title and body are templates. */
    public record Alert(Optional<String> title, Optional<String> body, Optional<String> titleLocKey,
                        List<String> titleLocArgs, Optional<String> actionLocKey, Optional<String> locKey,
                        List<String> locArgs) {
        public Alert {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(titleLocKey, "titleLocKey");
            titleLocArgs = Lists.copy(titleLocArgs);
            Objects.requireNonNull(actionLocKey, "actionLocKey");
            Objects.requireNonNull(locKey, "locKey");
            locArgs = Lists.copy(locArgs);
        }

        /** A plain alert string. */
        public static Alert of(String body) {
            return new Alert(Optional.empty(), Optional.of(body), Optional.empty(), List.of(), Optional.empty(),
                    Optional.empty(), List.of());
        }
    }

    /** A Braze action button ({@code action}: OPEN_APP, URI, DEEP_LINK or CLOSE). */
    public record Button(String actionId, String action, Optional<String> uri, boolean useWebview) {
        public Button {
            Objects.requireNonNull(actionId, "actionId");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(uri, "uri");
        }
    }
}
