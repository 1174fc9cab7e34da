package dev.herald.config;

/**
 * The configuration cannot be used. The message names the offending key (for example
 * {@code workspaces[acme].api_keys[0].sha256}) and the bad value unless that value is a secret, and is
 * meant to be shown to the operator as it is.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A problem at one key. */
    public ConfigException(String message) {
        super(message);
    }

    /** A problem with a cause worth keeping (an unreadable file, a YAML syntax error). */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
