package dev.herald.channel.smtp;

import dev.herald.channel.SendOutcome;

/** The email cannot be put on the wire as given (a malformed address); carries the outcome to report. */
final class UnsendableEmailException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient SendOutcome outcome;

    UnsendableEmailException(SendOutcome outcome) {
        super(outcome.describe(), null, false, false);
        this.outcome = outcome;
    }

    SendOutcome outcome() {
        return outcome;
    }
}
