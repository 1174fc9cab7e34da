/**
 * The Netty HTTP/1.1 ingress and the endpoint framework on it: keep-alive, a body limit answered with a JSON 413,
 * idle and request timeouts (a JSON 408) and a connection limit, paths with {@code //} normalised, responses
 * written in request order, half-closed clients answered, graceful stop; routes
 * ({@link dev.herald.gateway.http.Endpoint}), and the request pipeline in DESIGN §1's order (route → authenticate →
 * bounded decode → permission → ingress limit → interceptors → handler). Every response has a JSON body in Braze's
 * envelope.
 */
@NullMarked
package dev.herald.gateway.http;

import org.jspecify.annotations.NullMarked;
