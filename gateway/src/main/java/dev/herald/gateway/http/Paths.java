package dev.herald.gateway.http;

/** Path normalisation: the braze-api npm client joins base URL and path naively, giving {@code //messages/send}. */
final class Paths {
    private Paths() {
    }

    /** Collapses repeated slashes and drops a trailing slash; the root stays {@code /}. */
    static String normalise(String rawPath) {
        StringBuilder out = new StringBuilder(rawPath.length() + 1);
        char prev = 0;
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '/' && prev == '/') {
                continue;
            }
            out.append(c);
            prev = c;
        }
        if (out.isEmpty() || out.charAt(0) != '/') {
            out.insert(0, '/');
        }
        if (out.length() > 1 && out.charAt(out.length() - 1) == '/') {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }
}
