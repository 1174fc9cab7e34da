package dev.herald.channel.smtp;

import java.util.Locale;

/** The SMTP step a reply answered; the same code means different things at different steps. */
enum SmtpPhase {
    AUTH("AUTH"),
    MAIL_FROM("MAIL FROM"),
    RCPT_TO("RCPT TO"),
    DATA("DATA");

    private final String command;

    SmtpPhase(String command) {
        this.command = command;
    }

    /** The command as it appears on the wire. */
    String command() {
        return command;
    }

    /** The phase of an Angus {@code getCommand()} value: {@code MAIL FROM:<a>}, {@code RCPT TO:<b>}, {@code .}. */
    static SmtpPhase ofCommand(String command) {
        String c = command.stripLeading().toUpperCase(Locale.ROOT);
        if (c.startsWith("MAIL")) {
            return MAIL_FROM;
        }
        if (c.startsWith("RCPT")) {
            return RCPT_TO;
        }
        if (c.startsWith("AUTH")) {
            return AUTH;
        }
        return DATA;
    }
}
