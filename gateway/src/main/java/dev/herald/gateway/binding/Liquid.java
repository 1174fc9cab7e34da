package dev.herald.gateway.binding;

import dev.herald.gateway.http.ApiException;
import dev.herald.gateway.template.TemplateEngine;
import java.util.Optional;

/**
 * Template fields are syntax-checked when a request (or a configured campaign) arrives, so a typo is a 400 or a
 * start error, never a failed delivery per recipient.
 */
final class Liquid {
    private Liquid() {
    }

    /** {@code value}, if it parses as Liquid. */
    static String checked(String value, String path) {
        TemplateEngine.syntaxError(value).ifPresent(error -> {
            throw ApiException.badRequest(path + " is not valid Liquid: " + error);
        });
        return value;
    }

    /** {@code value}, if absent or it parses as Liquid. */
    static Optional<String> checked(Optional<String> value, String path) {
        value.ifPresent(v -> checked(v, path));
        return value;
    }
}
