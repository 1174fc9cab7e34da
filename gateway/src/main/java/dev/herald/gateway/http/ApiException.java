package dev.herald.gateway.http;

import java.util.List;
import java.util.Map;

/**
 * A request that ends in an error response: thrown (or completed exceptionally) anywhere in request
 * handling and turned into Braze's envelope by {@link ApiErrors}. Cheap: no stack trace.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final List<String> errors;
    private final Map<String, String> headers;

    /** An error with a status and a message, no minor errors. */
    public ApiException(int status, String message) {
        this(status, message, List.of(), Map.of());
    }

    /** An error with a status, a message and minor errors. */
    public ApiException(int status, String message, List<String> errors) {
        this(status, message, errors, Map.of());
    }

    /** An error with extra response headers (e.g. {@code Retry-After}). */
    public ApiException(int status, String message, List<String> errors, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    /** HTTP status. */
    public int status() {
        return status;
    }

    /** Minor errors listed in the envelope. */
    public List<String> errors() {
        return errors;
    }

    /** Extra response headers. */
    public Map<String, String> headers() {
        return headers;
    }

    /** 400 with a message. */
    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }
}
