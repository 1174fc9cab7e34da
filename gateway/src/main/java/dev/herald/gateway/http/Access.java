package dev.herald.gateway.http;

import java.util.Objects;

/** Who may call an endpoint. */
public sealed interface Access {
    /** Any valid key of the workspace (Herald's own read endpoints). */
    record AnyKey() implements Access {
    }

    /** A key carrying a Braze permission. */
    record Permission(String name) implements Access {
        public Permission {
            Objects.requireNonNull(name, "name");
        }
    }

    /** No API key: the endpoint verifies the caller itself (signed provider callbacks). */
    record Unauthenticated() implements Access {
    }

    /**
     * No credentials at all, and none checked: only for documents that are the same for every caller and reveal
     * nothing of any workspace (the API's OpenAPI description). Never rate limited, as there is no workspace to
     * charge.
     */
    record Public() implements Access {
    }

    /** Shorthand for {@link Permission}. */
    static Access permission(String name) {
        return new Permission(name);
    }
}
