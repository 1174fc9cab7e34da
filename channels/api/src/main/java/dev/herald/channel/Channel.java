package dev.herald.channel;

import java.util.Locale;

/**
 * The delivery channels. {@link #wireName()} is the Braze messaging-object name used in requests and in the
 * status API ({@code "webhook"}, {@code "email"}, ...).
 */
public enum Channel {
    /** An HTTP request to a URL given in the message. */
    WEBHOOK("webhook"),
    /** Email over SMTP. */
    EMAIL("email"),
    /** SMS (Twilio). */
    SMS("sms"),
    /** iOS push (APNs). */
    APPLE_PUSH("apple_push"),
    /** Android push (FCM). */
    ANDROID_PUSH("android_push");

    private final String wireName;

    Channel(String wireName) {
        this.wireName = wireName;
    }

    /** The Braze messaging-object name. */
    public String wireName() {
        return wireName;
    }

    /** The channel for a Braze messaging-object name. */
    public static Channel fromWireName(String name) {
        for (Channel c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown channel " + name.toLowerCase(Locale.ROOT));
    }
}
