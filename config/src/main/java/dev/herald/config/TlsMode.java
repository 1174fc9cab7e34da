package dev.herald.config;

/** STARTTLS policy for an SMTP relay. */
public enum TlsMode {
    /** Never upgrade (a local relay on loopback). */
    DISABLED,
    /** Upgrade when the relay offers STARTTLS. */
    OPTIONAL,
    /** Fail unless the relay offers STARTTLS. */
    REQUIRED
}
