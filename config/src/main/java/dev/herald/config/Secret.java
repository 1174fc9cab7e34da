package dev.herald.config;

import java.util.Objects;

/**
 * A credential read from the configuration: an SMTP password, a provider token, a signing secret.
 *
 * <p>{@link #toString()} never shows the value, so a secret is safe inside records, log lines and error
 * messages; code that needs the value calls {@link #reveal()} at the point of use.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** Wraps a value that must not be printed. */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret value itself; call only where it is handed to the library that needs it. */
    public String reveal() {
        return value;
    }

    /** Whether the secret is the empty string. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return "[REDACTED]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
