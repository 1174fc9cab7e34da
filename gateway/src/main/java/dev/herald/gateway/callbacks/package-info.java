/**
 * Provider callbacks: requests providers make to Herald, outside API-key auth and rate limits, each verified
 * by the provider's signature instead.
 */
@NullMarked
package dev.herald.gateway.callbacks;

import org.jspecify.annotations.NullMarked;
