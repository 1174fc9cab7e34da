/**
 * The Netty HTTP/1.1 ingress: keep-alive, a body limit answered with a JSON 413, paths with {@code //}
 * normalised, responses written in request order, graceful stop. Every response has a JSON body.
 */
@NullMarked
package dev.herald.gateway.http;

import org.jspecify.annotations.NullMarked;
