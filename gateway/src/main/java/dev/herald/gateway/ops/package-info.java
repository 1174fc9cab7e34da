/** The operations port: health and readiness, without an API key. */
@NullMarked
package dev.herald.gateway.ops;

import org.jspecify.annotations.NullMarked;
