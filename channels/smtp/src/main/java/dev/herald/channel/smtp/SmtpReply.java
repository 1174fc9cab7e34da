package dev.herald.channel.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reply of the relay, as Angus reports it: the step it answered, the three-digit code (-1 when the
 * relay closed the connection instead of answering), the enhanced status code parsed from the text, and
 * the text itself folded to one line.
 */
record SmtpReply(SmtpPhase phase, int code, Optional<EnhancedStatus> status, String text) {
    private static final Pattern CODE_PREFIX = Pattern.compile("^(\\d{3})[ -]?");
    private static final int MAX_TEXT = 300;

    SmtpReply {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(text, "text");
    }

    /**
     * Parses a raw reply such as {@code "550-5.1.1 No such user\r\n550 5.1.1 here\r\n"}.
     *
     * @param code the code Angus read, or a negative value to take it from {@code raw}
     */
    static SmtpReply parse(SmtpPhase phase, int code, String raw) {
        List<String> lines = new ArrayList<>();
        int parsedCode = -1;
        for (String line : raw.strip().split("\\R")) {
            Matcher m = CODE_PREFIX.matcher(line);
            if (m.find()) {
                parsedCode = parsedCode < 0 ? Integer.parseInt(m.group(1)) : parsedCode;
                line = line.substring(m.end());
            }
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        Optional<EnhancedStatus> status = lines.isEmpty() ? Optional.empty() : EnhancedStatus.leading(lines.get(0));
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            String words = status.isPresent() ? EnhancedStatus.strip(line) : line;
            if (!words.isEmpty()) {
                text.append(text.isEmpty() ? "" : " ").append(words);
            }
        }
        String folded = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text.toString();
        return new SmtpReply(phase, code > 0 ? code : parsedCode, status, folded);
    }

    /** A 4xx reply: try again later. */
    boolean isTransient() {
        return code >= 400 && code <= 499;
    }

    /** A 5xx reply: this will not work as sent. */
    boolean isPermanent() {
        return code >= 500 && code <= 599;
    }

    /** The relay's words for logs and the status API, e.g. {@code 550 5.1.1 user unknown (after RCPT TO)}. */
    String describe() {
        String head = code > 0 ? String.valueOf(code) : "no reply";
        String enhanced = status.map(s -> " " + s).orElse("");
        String words = text.isEmpty() ? "" : " " + text;
        return head + enhanced + words + " (after " + phase.command() + ")";
    }
}
