/**
 * The API's OpenAPI 3.1 description, {@code GET /herald/v1/openapi.json}: kept as one YAML file next to these
 * classes ({@code openapi.yaml}, the one place an endpoint is documented), read and turned into JSON once at start,
 * and served to anyone. {@code OpenApiTest} keeps it true: every route is documented, every documented operation is
 * served, and each operation's example is replayed against a running Herald and its answer checked against it.
 */
@NullMarked
package dev.herald.gateway.openapi;

import org.jspecify.annotations.NullMarked;
