package dev.herald.channel.smtp;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RFC 3463 enhanced status code ({@code class.subject.detail}, e.g. {@code 5.1.1} bad destination
 * mailbox), which relays put at the start of a reply's text.
 */
record EnhancedStatus(int statusClass, int subject, int detail) {
    private static final Pattern LEADING = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?=\\s|$)");

    EnhancedStatus {
        if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
            throw new IllegalArgumentException("status class must be 2, 4 or 5, was " + statusClass);
        }
    }

    /** The code at the start of {@code text}, if there is one. */
    static Optional<EnhancedStatus> leading(String text) {
        Matcher m = LEADING.matcher(text.stripLeading());
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new EnhancedStatus(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))));
    }

    /** {@code text} without its leading enhanced code. */
    static String strip(String text) {
        return LEADING.matcher(text.stripLeading()).replaceFirst("").strip();
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }
}
