package dev.herald.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.gateway.http.Access;
import java.util.ArrayList;
import java.util.List;

/**
 * How the document states who may call an operation, checked against the route's {@link Access}: a Braze permission
 * as {@code x-braze-permission} (and named in the description, for people reading rendered docs); Herald's other
 * kinds as {@code x-herald-access} ({@code any_key}, {@code signature}, {@code public}); and an operation that takes
 * no key says {@code security: []}.
 */
final class OperationAccess {
    private OperationAccess() {
    }

    static List<String> problems(Access access, DocumentedOperation op) {
        List<String> problems = new ArrayList<>();
        JsonNode n = op.node();
        String permission = n.path("x-braze-permission").asText(null);
        String kind = n.path("x-herald-access").asText(null);
        String route = op.route();
        switch (access) {
            case Access.Permission p -> {
                if (!p.name().equals(permission)) {
                    problems.add(route + ": x-braze-permission is " + permission + ", the route asks for " + p.name());
                }
                if (!n.path("description").asText().contains("`" + p.name() + "`")) {
                    problems.add(route + ": the description does not name the permission `" + p.name() + "`");
                }
            }
            case Access.AnyKey a -> expectKind(route, "any_key", permission, kind, problems);
            case Access.Unauthenticated u -> expectKind(route, "signature", permission, kind, problems);
            case Access.Public p -> expectKind(route, "public", permission, kind, problems);
        }
        boolean keyless = access instanceof Access.Unauthenticated || access instanceof Access.Public;
        if (keyless == op.needsKey()) {
            problems.add(route + ": " + (keyless ? "takes no key, so it must say security: []"
                    : "needs a key, so it must not say security: []"));
        }
        return problems;
    }

    private static void expectKind(String route, String expected, String permission, String kind,
                                   List<String> problems) {
        if (permission != null) {
            problems.add(route + ": has x-braze-permission " + permission + " but the route asks for none");
        }
        if (!expected.equals(kind)) {
            problems.add(route + ": x-herald-access is " + kind + ", expected " + expected);
        }
    }
}
