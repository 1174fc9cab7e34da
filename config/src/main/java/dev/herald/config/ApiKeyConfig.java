package dev.herald.config;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One REST API key of a workspace. Only the SHA-256 of the key is configured, never the key itself.
 *
 * @param name        a label for logs and metrics (never the key)
 * @param sha256      lower-case hex SHA-256 of the key as the client sends it
 * @param permissions Braze permission names ({@link Permissions#KNOWN})
 */
public record ApiKeyConfig(String name, String sha256, Set<String> permissions) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public ApiKeyConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        if (!HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex characters");
        }
        permissions = Set.copyOf(permissions);
    }

    /** Whether this key may call an endpoint guarded by {@code permission}. */
    public boolean allows(String permission) {
        return permissions.contains(permission);
    }
}
