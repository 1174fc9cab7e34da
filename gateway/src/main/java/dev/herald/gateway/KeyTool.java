package dev.herald.gateway;

import dev.herald.config.Permissions;
import dev.herald.gateway.auth.ApiKeyAuthenticator;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code herald key --name NAME --permissions a,b}: a new random API key, printed once with its SHA-256 and the
 * {@code api_keys} entry to paste into a workspace. Herald itself never stores the key, only the hash, so this is
 * the only time it is shown.
 */
final class KeyTool {
    /** The prefix every Herald key starts with, so a leaked one is recognisable (e.g. by secret scanners). */
    static final String PREFIX = "hk_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyTool() {
    }

    /** A new key: the prefix and 32 random bytes, URL-safe base64. */
    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Runs the command; {@code args} are what follows {@code key}.
     *
     * @return the exit status: 0, or 2 for bad arguments (the reason on {@code err})
     */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        String name = null;
        List<String> permissions = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean hasValue = i + 1 < args.size();
            switch (a) {
                case "--name" -> {
                    if (!hasValue) {
                        return usage(err, "--name needs a value");
                    }
                    name = args.get(++i);
                }
                case "--permissions" -> {
                    if (!hasValue) {
                        return usage(err, "--permissions needs a comma-separated list");
                    }
                    for (String p : args.get(++i).split(",")) {
                        if (!p.isBlank()) {
                            permissions.add(p.trim());
                        }
                    }
                }
                default -> {
                    return usage(err, "unknown argument " + a);
                }
            }
        }
        if (name == null || !NAME.matcher(name).matches()) {
            return usage(err, "--name is required: 1 to 64 letters, digits, '_', '-' or '.'");
        }
        if (permissions.isEmpty()) {
            return usage(err, "--permissions is required, e.g. --permissions messages.send,users.track");
        }
        for (String p : permissions) {
            if (!Permissions.KNOWN.contains(p)) {
                err.println("herald: unknown permission \"" + p + "\" (known: "
                        + String.join(", ", new TreeSet<>(Permissions.KNOWN)) + ")");
                return 2;
            }
        }
        String key = newKey();
        String sha = ApiKeyAuthenticator.sha256Hex(key);
        out.println("key: " + key);
        out.println("sha256: " + sha);
        out.println("# The key is shown only now; Herald keeps its SHA-256. Add this to a workspace's api_keys:");
        out.println("      - { name: " + name + ", sha256: \"" + sha + "\", permissions: [" + String.join(", ", permissions)
                + "] }");
        return 0;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("herald: " + problem + " (usage: herald key --name NAME --permissions a,b)");
        return 2;
    }
}
