package dev.herald.gateway.auth;

import dev.herald.config.ApiKeyConfig;
import dev.herald.config.WorkspaceConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Finds the workspace an API key belongs to. Keys are known only by their SHA-256; the presented key is
 * hashed and compared with every configured hash using a constant-time comparison, without stopping at the
 * first match, so timing reveals nothing about which hashes exist.
 */
public final class ApiKeyAuthenticator {
    private record Entry(byte[] sha256, Principal principal) {
    }

    private final List<Entry> entries;

    /** An authenticator for the keys of these workspaces. */
    public ApiKeyAuthenticator(List<WorkspaceConfig> workspaces) {
        List<Entry> list = new ArrayList<>();
        for (WorkspaceConfig ws : workspaces) {
            for (ApiKeyConfig key : ws.apiKeys()) {
                list.add(new Entry(HexFormat.of().parseHex(key.sha256()), new Principal(ws, key)));
            }
        }
        this.entries = List.copyOf(list);
    }

    /** The principal for {@code presentedKey}, or empty if no workspace has that key. */
    public Optional<Principal> authenticate(String presentedKey) {
        if (presentedKey.isEmpty() || presentedKey.length() > 1024) {
            return Optional.empty();
        }
        byte[] hash = sha256(presentedKey);
        Principal found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.sha256(), hash)) {
                found = e.principal();
            }
        }
        return Optional.ofNullable(found);
    }

    /** Lower-case hex SHA-256 of a key, the form the configuration stores. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** One digest per thread: looking the algorithm up costs more than hashing a key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    });

    private static byte[] sha256(String key) {
        return SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)); // digest() also resets it
    }
}
