package dev.herald.channel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Braze's {@code apple_push} object (braze-api.md §2.3), rendered and typed. The APNs adapter maps it to the
 * APNs payload and headers.
 *
 * @param alert             the alert; empty for a background (content-available) push
 * @param badge             the badge number
 * @param sound             a sound name ({@code default} for the standard sound)
 * @param extra             custom keys added at the top level of the payload (JSON values: String, Number,
 *                          Boolean, List, Map, or null)
 * @param contentAvailable  a background update ({@code content-available: 1})
 * @param mutableContent    lets a notification service extension modify it
 * @param category          the notification category (action buttons)
 * @param interruptionLevel passive, active, time-sensitive or critical
 * @param relevanceScore    0.0–1.0 for notification summaries
 * @param expiry            when APNs may stop trying ({@code apns-expiration})
 * @param collapseId        {@code apns-collapse-id}
 * @param apnsPriority      {@code apns-priority} (10 immediate, 5 power-considerate, 1 lowest)
 * @param customUri         a URL or deep link opened on tap
 * @param buttons           Braze action buttons
 * @param threadId          {@code thread-id} grouping notifications
 * @param assetUrl          rich notification media
 * @param assetFileType     the media's type (jpg, png, gif, mp4, ...)
 */
public record ApplePush(Optional<Alert> alert, Optional<Integer> badge, Optional<String> sound,
                        Map<String, Object> extra, boolean contentAvailable, boolean mutableContent,
                        Optional<String> category, Optional<String> interruptionLevel, Optional<Double> relevanceScore,
                        Optional<Instant> expiry, Optional<String> collapseId, Optional<Integer> apnsPriority,
                        Optional<String> customUri, List<Button> buttons, Optional<String> threadId,
                        Optional<String> assetUrl, Optional<String> assetFileType) {

    /**
     * The alert: a plain string ({@code body} only) or Apple's alert dictionary.
     */
    public record Alert(Optional<String> title, Optional<String> body, Optional<String> titleLocKey,
                        List<String> titleLocArgs, Optional<String> actionLocKey, Optional<String> locKey,
                        List<String> locArgs) {
        public Alert {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(titleLocKey, "titleLocKey");
            titleLocArgs = List.copyOf(titleLocArgs);
            Objects.requireNonNull(actionLocKey, "actionLocKey");
            Objects.requireNonNull(locKey, "locKey");
            locArgs = List.copyOf(locArgs);
        }

        /** A plain alert string. */
        public static Alert of(String body) {
            return new Alert(Optional.empty(), Optional.of(body), Optional.empty(), List.of(), Optional.empty(),
                    Optional.empty(), List.of());
        }
    }

    /**
     * An action button.
     *
     * @param action OPEN_APP, URI, DEEP_LINK or CLOSE
     */
    public record Button(String actionId, String action, Optional<String> uri, boolean useWebview) {
        public Button {
            Objects.requireNonNull(actionId, "actionId");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(uri, "uri");
        }
    }

    public ApplePush {
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(badge, "badge");
        Objects.requireNonNull(sound, "sound");
        extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(interruptionLevel, "interruptionLevel");
        Objects.requireNonNull(relevanceScore, "relevanceScore");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(collapseId, "collapseId");
        Objects.requireNonNull(apnsPriority, "apnsPriority");
        Objects.requireNonNull(customUri, "customUri");
        buttons = List.copyOf(buttons);
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(assetUrl, "assetUrl");
        Objects.requireNonNull(assetFileType, "assetFileType");
    }

    /** A builder with every field empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link ApplePush}; fields left unset are empty. Not thread-safe. */
    public static final class Builder {
        private Optional<Alert> alert = Optional.empty();
        private Optional<Integer> badge = Optional.empty();
        private Optional<String> sound = Optional.empty();
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private boolean contentAvailable;
        private boolean mutableContent;
        private Optional<String> category = Optional.empty();
        private Optional<String> interruptionLevel = Optional.empty();
        private Optional<Double> relevanceScore = Optional.empty();
        private Optional<Instant> expiry = Optional.empty();
        private Optional<String> collapseId = Optional.empty();
        private Optional<Integer> apnsPriority = Optional.empty();
        private Optional<String> customUri = Optional.empty();
        private final List<Button> buttons = new ArrayList<>();
        private Optional<String> threadId = Optional.empty();
        private Optional<String> assetUrl = Optional.empty();
        private Optional<String> assetFileType = Optional.empty();

        private Builder() {
        }

        /** Sets the alert. */
        public Builder alert(Alert v) {
            alert = Optional.of(v);
            return this;
        }

        /** Sets the badge. */
        public Builder badge(int v) {
            badge = Optional.of(v);
            return this;
        }

        /** Sets the sound. */
        public Builder sound(String v) {
            sound = Optional.of(v);
            return this;
        }

        /** Adds a custom key. */
        public Builder extra(String key, Object value) {
            extra.put(key, value);
            return this;
        }

        /** Marks a background update. */
        public Builder contentAvailable(boolean v) {
            contentAvailable = v;
            return this;
        }

        /** Allows a notification service extension to modify it. */
        public Builder mutableContent(boolean v) {
            mutableContent = v;
            return this;
        }

        /** Sets the category. */
        public Builder category(String v) {
            category = Optional.of(v);
            return this;
        }

        /** Sets the interruption level. */
        public Builder interruptionLevel(String v) {
            interruptionLevel = Optional.of(v);
            return this;
        }

        /** Sets the relevance score. */
        public Builder relevanceScore(double v) {
            relevanceScore = Optional.of(v);
            return this;
        }

        /** Sets the expiry. */
        public Builder expiry(Instant v) {
            expiry = Optional.of(v);
            return this;
        }

        /** Sets the collapse id. */
        public Builder collapseId(String v) {
            collapseId = Optional.of(v);
            return this;
        }

        /** Sets the APNs priority. */
        public Builder apnsPriority(int v) {
            apnsPriority = Optional.of(v);
            return this;
        }

        /** Sets the URI opened on tap. */
        public Builder customUri(String v) {
            customUri = Optional.of(v);
            return this;
        }

        /** Adds a button. */
        public Builder button(Button v) {
            buttons.add(v);
            return this;
        }

        /** Sets the thread id. */
        public Builder threadId(String v) {
            threadId = Optional.of(v);
            return this;
        }

        /** Sets rich media. */
        public Builder asset(String url, String fileType) {
            assetUrl = Optional.of(url);
            assetFileType = Optional.ofNullable(fileType);
            return this;
        }

        /** The push. */
        public ApplePush build() {
            return new ApplePush(alert, badge, sound, extra, contentAvailable, mutableContent, category,
                    interruptionLevel, relevanceScore, expiry, collapseId, apnsPriority, customUri, buttons, threadId,
                    assetUrl, assetFileType);
        }
    }
}
