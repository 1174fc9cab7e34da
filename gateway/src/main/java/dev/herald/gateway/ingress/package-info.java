/**
 * The ingress rate limit: Braze's limit classes ({@link dev.herald.gateway.ingress.RateClass}), one bucket per
 * workspace and class, and the gate that admits or refuses a call and decorates its response with the limit's
 * headers.
 */
@NullMarked
package dev.herald.gateway.ingress;

import org.jspecify.annotations.NullMarked;
