package dev.herald.gateway.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Matches a method and a normalised path to an {@link Endpoint}. */
final class Router {
    /** The result of matching. */
    sealed interface Match {
        record Found(Endpoint endpoint, Map<String, String> params) implements Match {
        }

        record MethodNotAllowed(List<String> allowed) implements Match {
        }

        record NotFound() implements Match {
        }
    }

    private record Compiled(Endpoint endpoint, String[] segments) {
    }

    private final List<Compiled> routes = new ArrayList<>();

    Router(List<Endpoint> endpoints) {
        for (Endpoint e : endpoints) {
            routes.add(new Compiled(e, split(e.pattern())));
        }
    }

    Match match(String method, String path) {
        String[] segments = split(path);
        TreeSet<String> allowed = new TreeSet<>();
        for (Compiled c : routes) {
            Map<String, String> params = matchPath(c.segments(), segments);
            if (params == null) {
                continue;
            }
            if (c.endpoint().method().equals(method)) {
                return new Match.Found(c.endpoint(), params);
            }
            allowed.add(c.endpoint().method());
        }
        return allowed.isEmpty() ? new Match.NotFound() : new Match.MethodNotAllowed(List.copyOf(allowed));
    }

    private static Map<String, String> matchPath(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), decode(path[i]));
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
        }
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
